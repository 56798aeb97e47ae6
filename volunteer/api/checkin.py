"""Check-in: a volunteer's own scan of a station code, and a lead's kiosk scan of a volunteer card."""
from __future__ import annotations

from flask import jsonify, make_response
from flask_smorest import Blueprint

from volunteer.api.auth import BEARER, api_user, login_required
from volunteer.api.schemas.checkin import CheckinRequestSchema, CheckinResultSchema, KioskScanRequestSchema
from volunteer.checkin import services
from volunteer.core.database import retried
from volunteer.core.time import utcnow
from volunteer.extensions import db

blp = Blueprint("checkin_api", __name__, url_prefix="/api/v1", description="Check-in")


def dump_session(session) -> dict | None:
    """SessionSchema's shape, written by hand: the check-in answer is the busiest of the API at the
    start of an event, and bench/checkin.py measures it against a bare insert."""
    if session is None:
        return None
    return {"id": session.id, "state": session.state,
            "station": {"id": session.station.id, "name": session.station.name},
            "project": {"id": session.project.id, "title": session.project.title},
            "checked_in_at": session.checked_in_at.isoformat(),
            "checked_out_at": session.checked_out_at.isoformat() if session.checked_out_at else None,
            "minutes": session.minutes, "source": session.source, "auto_closed": session.auto_closed,
            "outside_radius": session.outside_radius}


def _answer(outcome):
    if outcome.error is None:  # built before the commit, which would expire what it reads
        body = {"action": outcome.action, "session": dump_session(outcome.session),
                "volunteer": {"name": outcome.volunteer.display_name,
                              "volunteer_no": outcome.volunteer.volunteer_no},
                "closed_session": dump_session(outcome.closed_elsewhere)}
    db.session.commit()  # a refused scan is stored too
    outcome.raise_if_refused()
    # Serialised here rather than by the response schema (which documents it): this is the
    # busiest endpoint at the start of an event.
    return make_response(jsonify(body), outcome.status)


INVALID = "`invalid_code`, `expired_code` or `rotating_code_required` (the project or station accepts only the code "\
          "on its screen)"
REFUSED = "`project_not_running`, `not_on_roster`, `station_closed` or `daily_limit_reached` (already the most "\
          "check-ins for this project today)"
CHOOSE = "`project_required` (with `projects` to choose from), or invalid fields"


@blp.route("/checkins", methods=["POST"])
@login_required
@blp.arguments(CheckinRequestSchema)
@blp.response(201, CheckinResultSchema, description="checked in")
@blp.alt_response(200, schema=CheckinResultSchema, description="checked out, or a repeat that changed nothing")
@blp.alt_response(400, schema="Error", description=INVALID)
@blp.alt_response(403, schema="Error", description="`not_a_volunteer` (the caller has no volunteer profile, or closed it)")
@blp.alt_response(409, schema="Error", description=REFUSED)
@blp.alt_response(422, schema="Error", description=CHOOSE)
@blp.doc(security=BEARER)
@retried
def check_in(body):
    """Check in, or out, with the text of a station's QR code (the signed-in volunteer)."""
    lat, lng = services.validate_location(body["lat"], body["lng"])  # both or neither
    outcome = services.scan_station_code(
        api_user(), body["code"], now=utcnow(), project_id=body["project_id"], lat=lat, lng=lng,
        request_id=body["request_id"], scanned_at=body["scanned_at"])
    return _answer(outcome)


@blp.route("/stations/<int:station_id>/scans", methods=["POST"])
@login_required
@blp.arguments(KioskScanRequestSchema)
@blp.response(201, CheckinResultSchema, description="checked in")
@blp.alt_response(200, schema=CheckinResultSchema, description="checked out, or a repeat that changed nothing")
@blp.alt_response(400, schema="Error", description="`invalid_code`: not a volunteer's card, or one replaced since")
@blp.alt_response(403, schema="Error", description="`forbidden`: not a lead of this station, nor its admin")
@blp.alt_response(404, schema="Error", description="`not_found`: no such station")
@blp.alt_response(409, schema="Error", description=REFUSED)
@blp.alt_response(422, schema="Error", description=CHOOSE)
@blp.doc(security=BEARER)
@retried
def kiosk_scan(body, station_id):
    """Check a volunteer in or out at the station's kiosk with their personal code (the station's leads)."""
    user = api_user()
    station = services.get_kiosk_station(user, station_id)
    outcome = services.scan_card(user, station, body["code"], now=utcnow(), project_id=body["project_id"],
                                 request_id=body["request_id"], scanned_at=body["scanned_at"])
    return _answer(outcome)
