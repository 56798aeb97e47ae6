"""Builders of test data. Each runs in its own app context and commits, returning plain values,
so tests never hold an app context (and its database session) across HTTP requests."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from volunteer.accounts import privacy
from volunteer.accounts import services as accounts
from volunteer.accounts.identity import check_digit
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.organisations import services as organisations

PASSWORD = "secret123"


def make_id_number(born: date, male: bool = True, area: str = "110105", seq: int = 1) -> str:
    first17 = f"{area}{born:%Y%m%d}{seq * 2 + (1 if male else 0):03d}"
    return first17 + check_digit(first17)


class Factory:
    def __init__(self, app):
        self.app = app
        self._phone = 13700000000
        self._seq = 0

    def next_phone(self) -> str:
        self._phone += 1
        return str(self._phone)

    def org(self, code: str, name: str | None = None, kind: str = "town", parent: str | None = None):
        with self.app.app_context():
            parent_org = organisations.get_by_code(parent) if parent else None
            org = organisations.create_organisation(None, parent_org, code=code, name=name or code, kind=kind,
                                                   now=utcnow())
            db.session.commit()
            return SimpleNamespace(id=org.id, code=org.code, name=org.name)

    def staff(self, role: str, org_code: str, phone: str | None = None, name: str = "Staff"):
        phone = phone or self.next_phone()
        with self.app.app_context():
            user = accounts.create_user(phone=phone, email=None, password=PASSWORD, display_name=name, now=utcnow())
            accounts.grant_role(None, user, organisations.get_by_code(org_code), role, now=utcnow())
            db.session.commit()
            return SimpleNamespace(id=user.id, phone=phone, password=PASSWORD, login=phone)

    def volunteer_data(self, org_code: str, *, born: date = date(1995, 5, 17), male: bool = True,
                       name: str = "张三", phone: str | None = None, guardian: dict | None = None,
                       **extra) -> dict:
        self._seq += 1
        data = {
            "name": name,
            "phone": phone or self.next_phone(),
            "id_number": make_id_number(born, male, seq=self._seq),
            "password": PASSWORD,
            "organisation_code": org_code,
            "consent_version": privacy.CURRENT_VERSION,
        }
        if guardian is not None:
            data["guardian"] = guardian
        data.update(extra)
        return data

    def volunteer(self, org_code: str, **kwargs):
        data = self.volunteer_data(org_code, **kwargs)
        with self.app.app_context():
            volunteer = accounts.register_volunteer(data, now=utcnow())
            db.session.commit()
            return SimpleNamespace(id=volunteer.id, user_id=volunteer.user_id, phone=data["phone"],
                                   id_number=data["id_number"], volunteer_no=volunteer.volunteer_no,
                                   name=data["name"], password=PASSWORD, login=data["phone"])
