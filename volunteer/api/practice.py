"""Returning-home practice for a student's phone: the programmes open now and their posts, an
application with ranked choices, where each choice stands, answering an offer, weekly logs."""
from __future__ import annotations

from flask_smorest import Blueprint

from volunteer.api.auth import BEARER, api_user, login_required
from volunteer.api.schemas.practice import (
    ApplyRequestSchema,
    PostArgsSchema,
    PostChoiceSchema,
    PostPageSchema,
    PracticeLogRequestSchema,
    PracticeLogSchema,
    ProgrammeSchema,
    StudentApplicationSchema,
)
from volunteer.core import get_by_id
from volunteer.core.errors import NotFound
from volunteer.core.pagination import paginate
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.organisations.services import get_by_code
from volunteer.practice import services
from volunteer.practice.models import Programme

blp = Blueprint("practice_api", __name__, url_prefix="/api/v1/practice", description="Returning-home practice")


def _shown(programme_id: int) -> Programme:
    programme = get_by_id(Programme, programme_id)
    if programme is None or not programme.shows_posts:
        raise NotFound()
    return programme


@blp.route("/programmes", methods=["GET"])
@blp.response(200, ProgrammeSchema(many=True))
def programmes():
    """The programmes a student may apply to today."""
    return services.open_programmes(utcnow())


@blp.route("/programmes/<int:programme_id>/posts", methods=["GET"])
@blp.arguments(PostArgsSchema, location="query")
@blp.response(200, PostPageSchema)
@blp.alt_response(404, schema="Error")
def posts(args, programme_id):
    """A programme's approved posts (while it shows them), by kind, place (an organisation's
    code: units under it) and words."""
    programme = _shown(programme_id)
    code = (args.get("organisation") or "").strip()[:32]
    organisation = get_by_code(code) if code else None
    if code and organisation is None:
        return {"page": args["page"], "per_page": args["per_page"], "total": 0, "items": []}
    return paginate(services.offered_posts(programme, kind=args.get("kind") or None, organisation=organisation,
                                           search=args.get("q") or None), args["page"], args["per_page"])


@blp.route("/programmes/<int:programme_id>/applications", methods=["POST"])
@login_required
@blp.arguments(ApplyRequestSchema)
@blp.response(201, StudentApplicationSchema)
@blp.alt_response(404, schema="Error")
@blp.alt_response(409, schema="Error")
@blp.alt_response(422, schema="Error")
@blp.doc(security=BEARER)
def apply(body, programme_id):
    """Apply with one to three ranked choices, while applications are open."""
    application = services.apply(api_user(), _shown(programme_id), {
        **body, "choices": [str(c) for c in body["choices"]]}, now=utcnow())
    db.session.commit()
    return application


@blp.route("/applications", methods=["GET"])
@login_required
@blp.response(200, StudentApplicationSchema(many=True))
@blp.doc(security=BEARER)
def my_applications():
    """The caller's applications, newest first, each choice with where it stands (an offer to answer)."""
    return services.applications_of(api_user())


def _answer(choice_id: int, step):
    choice = services.get_own_choice(api_user(), choice_id)
    step(api_user(), choice, now=utcnow())
    db.session.commit()
    return choice


@blp.route("/choices/<int:choice_id>/accept", methods=["POST"])
@login_required
@blp.response(200, PostChoiceSchema)
@blp.alt_response(404, schema="Error")
@blp.alt_response(409, schema="Error")
@blp.doc(security=BEARER)
def accept(choice_id):
    """Accept an offer: the student is placed, their other choices withdrawn; 409 when the post
    is full, the offer moved on or they hold another."""
    return _answer(choice_id, services.accept_offer)


@blp.route("/choices/<int:choice_id>/decline", methods=["POST"])
@login_required
@blp.response(200, PostChoiceSchema)
@blp.alt_response(404, schema="Error")
@blp.alt_response(409, schema="Error")
@blp.doc(security=BEARER)
def decline(choice_id):
    """Decline an offer."""
    return _answer(choice_id, services.decline_offer)


def _log_shape(log) -> dict:
    return {"id": log.id, "week_of": log.week_of, "log_text": log.text, "photos": len(log.photos), "comment": log.comment,
            "commented_at": log.commented_at, "is_editable": log.is_editable}


@blp.route("/applications/<int:application_id>/logs", methods=["GET"])
@login_required
@blp.response(200, PracticeLogSchema(many=True))
@blp.alt_response(404, schema="Error")
@blp.doc(security=BEARER)
def logs(application_id):
    """The student's weekly logs of their post, newest week first, with the supervisor's comments."""
    return [_log_shape(log) for log in services.logs_of(services.get_own_application(api_user(), application_id))]


@blp.route("/applications/<int:application_id>/logs", methods=["POST"])
@login_required
@blp.arguments(PracticeLogRequestSchema)
@blp.response(201, PracticeLogSchema)
@blp.alt_response(404, schema="Error")
@blp.alt_response(409, schema="Error")
@blp.alt_response(422, schema="Error")
@blp.doc(security=BEARER)
def write_log(body, application_id):
    """Write (or, until the supervisor comments, rewrite) the log of a week of the post."""
    application = services.get_own_application(api_user(), application_id)
    log = services.write_log(api_user(), application, body, now=utcnow())
    db.session.commit()
    return _log_shape(log)
