"""The page a station's QR code opens on a phone.

For now it checks the code and says which station it belongs to; the check-in service (the rest
of issue 4) turns this into the check-in and check-out itself."""
from __future__ import annotations

from flask import Blueprint, render_template

from volunteer.core.errors import DomainError
from volunteer.core.time import utcnow
from volunteer.stations import codes

bp = Blueprint("checkin", __name__)


@bp.route("/s/<code>")
def scan(code: str):
    try:
        scanned = codes.read_code(code, utcnow())
    except DomainError as exc:
        return render_template("checkin/scan.html", scanned=None, error=exc), exc.status
    return render_template("checkin/scan.html", scanned=scanned, error=None)
