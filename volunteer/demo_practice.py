"""The demo's practice programme: the city's summer 返家乡 programme, collecting posts from its
towns (issue 18, in part), set up and moved on through the practice services as its admin would."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from volunteer.accounts.models import User
from volunteer.extensions import db
from volunteer.organisations.services import get_by_code
from volunteer.practice import services as practice
from volunteer.practice.vocabulary import ProgrammeState, Season


def seed_practice(now: datetime, admin_phone: str) -> None:
    admin = db.session.scalar(sa.select(User).where(User.phone == admin_phone))
    year = now.year + 1
    programme = practice.create_programme(admin, get_by_code("LX"), {
        "name": f"{year}年暑期大学生返家乡社会实践", "season": Season.SUMMER,
        "applications_open_on": date(year, 5, 10), "applications_close_on": date(year, 6, 10),
        "practice_starts_on": date(year, 7, 5), "practice_ends_on": date(year, 8, 20),
        "rules": "因需设岗、按岗招人、双向选择、属地管理、就近就便。", "areas": ["LX-QS", "LX-BH", "LX-DZ"]},
        now=now - timedelta(days=3))
    practice.transition_programme(admin, programme, ProgrammeState.COLLECTING_POSTS, now=now - timedelta(days=2))
    db.session.commit()
