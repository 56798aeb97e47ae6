"""Projects: the library, the lifecycle, positions and applications."""
from __future__ import annotations

from flask_smorest import Blueprint

from volunteer.api.auth import BEARER, api_user, login_required
from volunteer.api.schemas.projects import (
    ApplicationPageSchema,
    ApplicationRequestSchema,
    ApplicationSchema,
    DecisionRequestSchema,
    PositionCreateSchema,
    PositionSchema,
    ProjectApplicationsArgsSchema,
    ProjectArgsSchema,
    ProjectCreateSchema,
    ProjectPageSchema,
    ProjectSchema,
    TransitionRequestSchema,
)
from volunteer.core.pagination import paginate
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.organisations import services as organisations
from volunteer.projects import services

blp = Blueprint("projects_api", __name__, url_prefix="/api/v1", description="Projects")


@blp.route("/projects", methods=["GET"])
@blp.arguments(ProjectArgsSchema, location="query")
@blp.response(200, ProjectPageSchema)
def list_projects(args):
    """Recruiting and running projects for everyone, and with a staff token also every project in
    the caller's scope; ``scope=mine`` keeps only those."""
    user = api_user()
    stmt = services.search_projects(user, args, view="staff" if args.get("scope") == "mine" else "visible")
    return paginate(stmt, args["page"], args["per_page"])


@blp.route("/projects", methods=["POST"])
@login_required
@blp.arguments(ProjectCreateSchema)
@blp.response(201, ProjectSchema)
@blp.alt_response(422, schema="Error")
@blp.alt_response(403, schema="Error")
@blp.doc(security=BEARER)
def create_project(body):
    """Create a project in ``draft``."""
    organisation = organisations.get_by_code(str(body.pop("organisation_code")))
    project = services.create_project(api_user(), organisation, body, now=utcnow())
    db.session.commit()
    return project


@blp.route("/projects/<int:project_id>", methods=["GET"])
@blp.response(200, ProjectSchema)
@blp.alt_response(404, schema="Error")
def get_project(project_id):
    """A project with the transitions the caller may make."""
    return services.get_project_for(api_user(), project_id)


@blp.route("/projects/<int:project_id>/transitions", methods=["POST"])
@login_required
@blp.arguments(TransitionRequestSchema)
@blp.response(200, ProjectSchema)
@blp.alt_response(409, schema="Error", description="invalid_transition or evaluation_required")
@blp.alt_response(403, schema="Error")
@blp.doc(security=BEARER)
def transition(body, project_id):
    """Move the project to another state of its lifecycle."""
    project = services.get_project_for(api_user(), project_id)
    services.transition_project(api_user(), project, body["to"], comment=body.get("comment"), now=utcnow())
    db.session.commit()
    return project


@blp.route("/projects/<int:project_id>/positions", methods=["POST"])
@login_required
@blp.arguments(PositionCreateSchema)
@blp.response(201, PositionSchema)
@blp.alt_response(422, schema="Error")
@blp.doc(security=BEARER)
def create_position(body, project_id):
    """Open a position with a capacity."""
    project = services.get_managed_project(api_user(), project_id)
    position = services.add_position(api_user(), project, body, now=utcnow())
    db.session.commit()
    return position


@blp.route("/positions/<int:position_id>/applications", methods=["POST"])
@login_required
@blp.arguments(ApplicationRequestSchema, required=False)  # the note is optional, so is the body
@blp.response(201, ApplicationSchema)
@blp.alt_response(409, schema="Error", description="`position_full`, `already_applied`, `already_declined` or "
                                                   "`not_recruiting`")
@blp.alt_response(403, schema="Error", description="`not_a_volunteer`")
@blp.doc(security=BEARER)
def apply(body, position_id):
    """Apply for a position (pending until the manager decides)."""
    position = services.get_position_for(api_user(), position_id)
    application = services.apply_for_position(api_user(), position, note=body.get("note"), now=utcnow())
    db.session.commit()
    return application


@blp.route("/applications/<int:application_id>/decision", methods=["POST"])
@login_required
@blp.arguments(DecisionRequestSchema)
@blp.response(200, ApplicationSchema)
@blp.alt_response(409, schema="Error", description="`position_full`, `already_decided` or `not_recruiting`")
@blp.doc(security=BEARER)
def decide(body, application_id):
    """Accept or decline an application."""
    application = services.get_application_for_manager(api_user(), application_id)
    services.decide_application(api_user(), application, body["decision"], now=utcnow())
    db.session.commit()
    return application


@blp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@login_required
@blp.response(200, ApplicationSchema)
@blp.alt_response(409, schema="Error")
@blp.doc(security=BEARER)
def withdraw(application_id):
    """The volunteer withdraws their own application."""
    application = services.get_own_application(api_user(), application_id)
    services.withdraw_application(api_user(), application, now=utcnow())
    db.session.commit()
    return application


@blp.route("/projects/<int:project_id>/applications", methods=["GET"])
@login_required
@blp.arguments(ProjectApplicationsArgsSchema, location="query")
@blp.response(200, ApplicationPageSchema)
@blp.doc(security=BEARER)
def project_applications(args, project_id):
    """The project's applications for its staff; ``state=accepted`` is the roster."""
    project = services.get_project_for(api_user(), project_id)
    stmt = services.applications_for_project(api_user(), project, args.get("state"))
    return paginate(stmt, args["page"], args["per_page"])


@blp.route("/me/applications", methods=["GET"])
@login_required
@blp.response(200, ApplicationSchema(many=True))
@blp.doc(security=BEARER)
def my_applications():
    """The caller's applications, newest first."""
    return services.applications_of(api_user())
