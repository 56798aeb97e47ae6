"""Resident ID numbers (GB 11643-1999), phone numbers and how they are shown masked."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from volunteer.accounts.vocabulary import Gender
from volunteer.core.edge import identifier

# ASCII digits only: \d would take full-width, Arabic-Indic and Devanagari digits as well, and
# one person could register twice (identifiers are made ASCII first: core.edge.identifier).
PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_ID_RE = re.compile(r"^[1-9][0-9]{16}[0-9X]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


class InvalidIdNumber(ValueError):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    gender: Gender  # from the parity of the sequence digits

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)


def age_on(born: date, day: date) -> int:
    """Completed years of age on ``day`` (a 29 February birthday counts from 1 March)."""
    years = day.year - born.year
    if (day.month, day.day) < (born.month, born.day):
        years -= 1
    return years


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalise_id_number(raw: str) -> str:
    return identifier(raw).replace(" ", "").upper()


def parse_id_number(raw: str, today: date | None = None) -> ResidentId:
    """Check an 18-character resident ID; raise InvalidIdNumber with a message a user understands."""
    number = normalise_id_number(raw)
    if len(number) != 18:
        raise InvalidIdNumber(_l("An ID number has 18 characters; this one has %(n)s.", n=len(number)))
    if not _ID_RE.match(number):
        raise InvalidIdNumber(_l("An ID number is 17 digits followed by a digit or X."))
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber(_l("The birth date in this ID number does not exist.")) from None
    if born > (today or date.today()):
        raise InvalidIdNumber(_l("The birth date in this ID number is in the future."))
    if check_digit(number[:17]) != number[17]:
        raise InvalidIdNumber(_l("The check digit of this ID number is wrong; please check every digit."))
    return ResidentId(number=number, birth_date=born, gender=Gender.MALE if int(number[16]) % 2 else Gender.FEMALE)


def normalise_phone(raw: str | None) -> str:
    return identifier(raw).replace(" ", "").replace("-", "")


def is_valid_phone(phone: str) -> bool:
    return bool(PHONE_RE.match(phone or ""))


def mask_id_number(number: str | None) -> str:
    """``110105********002X``: region and the last four stay, the birth date is hidden."""
    if not number:
        return ""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str | None) -> str:
    """``138****8000``: up to the first three and the last four stay, and at least four are
    hidden, so a shorter number (a landline, ``****345``) is never shown whole."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    hidden = max(4, len(phone) - 7)
    tail = min(4, len(phone) - hidden)
    head = len(phone) - hidden - tail
    return phone[:head] + "*" * hidden + phone[-tail:]  # tail >= 3 here


def mask_name(name: str | None) -> str:
    """``张*`` / ``欧阳**`` style: the first character only (used by the public verification page)."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1 if len(name) > 1 else 1)


def mask_email(email: str | None) -> str:
    if not email or "@" not in email:
        return email or ""
    local, _, domain = email.partition("@")
    return local[:1] + "***@" + domain
