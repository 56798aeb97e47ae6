"""Shifts: planning them under a position, finding them, signing up, the waiting list's offers,
cancelling and leave."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_smorest import Blueprint

from volunteer.api.auth import BEARER, api_user, login_required
from volunteer.api.schemas.shifts import (
    LeaveRequestSchema,
    LeaveSchema,
    ShiftArgsSchema,
    ShiftCreateSchema,
    ShiftPageSchema,
    ShiftSchema,
    SignupRequestSchema,
    SignupSchema,
)
from volunteer.core.pagination import paginate
from volunteer.core.time import DEFAULT_ZONE, utcnow
from volunteer.extensions import db
from volunteer.projects import services as projects
from volunteer.shifts import services
from volunteer.shifts.vocabulary import HOLDING, SignupState

blp = Blueprint("shifts_api", __name__, url_prefix="/api/v1", description="Shifts")


def shift_shape(shift) -> dict:
    return {"id": shift.id, "position_id": shift.position_id, "position": shift.position, "station": shift.station,
            "starts_at": shift.starts_at, "ends_at": shift.ends_at, "capacity": shift.capacity,
            "confirmed": shift.count(*HOLDING), "waiting": shift.count(SignupState.WAITING), "note": shift.note}


def signup_shape(signup) -> dict:
    return {"id": signup.id, "shift_id": signup.shift_id, "state": signup.state,
            "position_in_queue": services.queue_position(signup), "offered_until": signup.offered_until}


@blp.route("/positions/<int:position_id>/shifts", methods=["POST"])
@login_required
@blp.arguments(ShiftCreateSchema)
@blp.response(201, ShiftSchema)
@blp.alt_response(403, schema="Error")
@blp.alt_response(404, schema="Error")
@blp.alt_response(409, schema="Error")
@blp.alt_response(422, schema="Error")
@blp.doc(security=BEARER)
def create_shift(body, position_id):
    """A shift under a position, by its project's staff."""
    user = api_user()
    shift = services.create_shift(user, projects.get_position_for(user, position_id), body, now=utcnow())
    db.session.commit()
    return shift_shape(shift)


@blp.route("/shifts", methods=["GET"])
@blp.arguments(ShiftArgsSchema, location="query")
@blp.response(200, ShiftPageSchema)
def list_shifts(args):
    """Shifts of recruiting and running projects, soonest first; ``open=true``: open for sign-up
    now, and to a volunteer calling, only those they may sign up for (as the web's list)."""
    filters = dict(args)
    user = api_user()
    volunteer = getattr(user, "volunteer", None) if user is not None and args.get("open") else None
    if args.get("from"):
        filters["from"] = datetime.combine(args["from"], time(), tzinfo=DEFAULT_ZONE)
    if args.get("to"):
        filters["to"] = datetime.combine(args["to"] + timedelta(days=1), time(), tzinfo=DEFAULT_ZONE)
    page = paginate(services.find_shifts(filters, now=utcnow(), volunteer=volunteer), args["page"], args["per_page"])
    page.items = [shift_shape(s) for s in page.items]
    return page


@blp.route("/shifts/<int:shift_id>/signups", methods=["POST"])
@login_required
@blp.arguments(SignupRequestSchema)
@blp.response(201, SignupSchema)
@blp.alt_response(403, schema="Error")
@blp.alt_response(404, schema="Error")
@blp.alt_response(409, schema="Error")
@blp.doc(security=BEARER)
def sign_up(body, shift_id):
    """A place when one is free, else the waiting list (``position_in_queue``)."""
    signup = services.sign_up(api_user(), services.get_shift(shift_id), request_id=body.get("request_id"), now=utcnow())
    db.session.commit()
    return signup_shape(signup)


@blp.route("/signups/<int:signup_id>", methods=["DELETE"])
@login_required
@blp.response(204)
@blp.alt_response(404, schema="Error")
@blp.alt_response(409, schema="Error")
@blp.doc(security=BEARER)
def cancel_signup(signup_id):
    """Leave the waiting list, decline an offer, or give a place back up to the cutoff."""
    user = api_user()
    services.cancel_signup(user, services.get_own_signup(user, signup_id), now=utcnow())
    db.session.commit()


@blp.route("/signups/<int:signup_id>/accept-offer", methods=["POST"])
@login_required
@blp.response(200, SignupSchema)
@blp.alt_response(404, schema="Error")
@blp.alt_response(409, schema="Error")
@blp.doc(security=BEARER)
def accept_offer(signup_id):
    """Take the freed place offered, before its deadline."""
    user = api_user()
    signup = services.accept_offer(user, services.get_own_signup(user, signup_id), now=utcnow())
    db.session.commit()
    return signup_shape(signup)


@blp.route("/signups/<int:signup_id>/leave", methods=["POST"])
@login_required
@blp.arguments(LeaveRequestSchema)
@blp.response(201, LeaveSchema)
@blp.alt_response(404, schema="Error")
@blp.alt_response(409, schema="Error")
@blp.alt_response(422, schema="Error")
@blp.doc(security=BEARER)
def ask_leave(body, signup_id):
    """请假 from a confirmed place, with a reason; the project's staff or the station's lead decide."""
    user = api_user()
    leave = services.ask_leave(user, services.get_own_signup(user, signup_id), body["reason"], now=utcnow())
    db.session.commit()
    return leave
