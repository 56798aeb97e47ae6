"""Project pages: the public library, the staff library, one project with its lifecycle,
resources, positions, applications and evaluation; a volunteer's own applications."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer.core import permissions
from volunteer.core.pagination import paginate
from volunteer.core.time import parse_moment, utcnow
from volunteer.organisations import services as organisations
from volunteer.projects import services
from volunteer.projects.forms import (
    ApplyForm,
    DecisionForm,
    EvaluationForm,
    PositionForm,
    ProjectForm,
    ResourceForm,
    TransitionForm,
)
from volunteer.projects.models import PUBLIC_STATES
from volunteer.projects.vocabulary import Category, ProjectState
from volunteer.stations import services as stations
from volunteer.web.helpers import flash_form_errors, submit

bp = Blueprint("projects", __name__)

FILTERS = ("state", "category", "organisation", "starts_from", "ends_until", "q")


def _filters() -> dict:
    return {key: request.args.get(key, "").strip() for key in FILTERS}


@bp.route("/projects")
def index():
    filters = _filters()
    page = paginate(services.search_projects(current_user, filters, view="public"),
                    request.args.get("page", 1), 20)
    return render_template("projects/index.html", page=page, filters=filters, staff_view=False,
                           states=ProjectState.choices(PUBLIC_STATES), categories=Category.choices(),
                           organisations=services.organisation_choices(current_user, view="public",
                                                                       selected=filters["organisation"]))


@bp.route("/projects/manage")
@login_required
def manage():
    permissions.ensure_any_scope(current_user, "project.view")
    filters = _filters()
    page = paginate(services.search_projects(current_user, filters, view="staff"),
                    request.args.get("page", 1), 20)
    return render_template("projects/index.html", page=page, filters=filters, staff_view=True,
                           states=ProjectState.choices(), categories=Category.choices(),
                           organisations=services.organisation_choices(current_user, view="staff",
                                                                       selected=filters["organisation"]),
                           can_create=bool(permissions.scope_roots(current_user, "project.manage")))


def _form_choices(form: ProjectForm) -> None:
    form.organisation_code.choices = organisations.choices_for(current_user, "project.manage")
    form.station_ids.choices = [(str(s.id), f"{s.name} · {s.organisation.name}")
                                for s in stations.stations_for_projects(current_user)]


@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def create():
    permissions.ensure_any_scope(current_user, "project.manage")
    form = ProjectForm()
    _form_choices(form)
    project = submit(form, lambda: services.create_project(
        current_user, organisations.get_by_code(form.organisation_code.data), form.data_for_service(),
        now=utcnow()),
        field_map={"organisation_code": "organisation_code"})
    if project:
        flash(_("The project has been created as a draft."), "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/edit.html", form=form, project=None)


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int):
    project = services.get_editable_project(current_user, project_id)
    form = ProjectForm(obj=project) if request.method == "GET" else ProjectForm()
    _form_choices(form)
    del form.organisation_code
    if request.method == "GET":
        form.station_ids.data = [str(s.id) for s in project.stations]
        form.starts_on.data = project.starts_on.isoformat() if project.starts_on else ""
        form.ends_on.data = project.ends_on.isoformat() if project.ends_on else ""
    if submit(form, lambda: services.update_project(current_user, project, form.data_for_service(), now=utcnow())):
        flash(_("The project has been saved."), "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/edit.html", form=form, project=project)


@bp.route("/projects/<int:project_id>")
def detail(project_id: int):
    project = services.get_project_for(current_user, project_id)
    return render_template(
        "projects/detail.html", project=project, now=utcnow(), **services.page_context(current_user, project),
        transition_form=TransitionForm(), resource_form=ResourceForm(), position_form=PositionForm(),
        apply_form=ApplyForm(), decision_form=DecisionForm())


def _back(project_id: int, anchor: str = ""):
    return redirect(url_for("projects.detail", project_id=project_id) + anchor)


@bp.route("/projects/<int:project_id>/transitions", methods=["POST"])
@login_required
def transition(project_id: int):
    project = services.get_project_for(current_user, project_id)
    form = TransitionForm()
    if submit(form, lambda: services.transition_project(current_user, project, form.to.data,
                                                        comment=form.comment.data, now=utcnow())):
        flash(_("The project is now “%(state)s”.", state=project.state_label), "success")
    else:
        flash_form_errors(form)
    return _back(project_id)


@bp.route("/projects/<int:project_id>/resources", methods=["POST"])
@login_required
def add_resource(project_id: int):
    project = services.get_managed_project(current_user, project_id)
    form = ResourceForm()
    if submit(form, lambda: services.add_resource(current_user, project, form.data, now=utcnow())):
        flash(_("The resource has been recorded."), "success")
    else:
        flash_form_errors(form)
    return _back(project_id, "#resources")


@bp.route("/projects/<int:project_id>/positions", methods=["POST"])
@login_required
def add_position(project_id: int):
    project = services.get_managed_project(current_user, project_id)
    form = PositionForm()

    def create_position():
        data = dict(form.data)
        # Typed in the zone the page shows them in (the project's stations').
        zone = project.zone
        data["starts_at"], data["ends_at"] = parse_moment(data["starts_at"], zone), parse_moment(data["ends_at"], zone)
        return services.add_position(current_user, project, data, now=utcnow())

    if submit(form, create_position):
        flash(_("The position has been added."), "success")
    else:
        flash_form_errors(form)
    return _back(project_id, "#positions")


@bp.route("/positions/<int:position_id>/apply", methods=["POST"])
@login_required
def apply(position_id: int):
    position = services.get_position_for(current_user, position_id)
    form = ApplyForm()
    if submit(form, lambda: services.apply_for_position(current_user, position, note=form.note.data, now=utcnow())):
        flash(_("Your application has been sent. The project manager will decide."), "success")
    else:
        flash_form_errors(form)
    return _back(position.project_id, "#positions")


@bp.route("/applications/<int:application_id>/decision", methods=["POST"])
@login_required
def decide(application_id: int):
    application = services.get_application_for_manager(current_user, application_id)
    form = DecisionForm()
    if submit(form, lambda: services.decide_application(current_user, application, form.decision.data,
                                                        now=utcnow())):
        flash(_("The decision has been recorded."), "success")
    else:
        flash_form_errors(form)
    return _back(application.position.project_id, "#positions")


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@login_required
def withdraw(application_id: int):
    application = services.get_own_application(current_user, application_id)
    if submit(DecisionForm(), lambda: services.withdraw_application(current_user, application, now=utcnow())):
        flash(_("Your application has been withdrawn."), "success")
    return redirect(url_for("projects.my_applications"))


@bp.route("/me/applications")
@login_required
def my_applications():
    return render_template("projects/my_applications.html",
                           applications=services.applications_of(current_user), withdraw_form=DecisionForm())


@bp.route("/projects/<int:project_id>/evaluation", methods=["GET", "POST"])
@login_required
def evaluation(project_id: int):
    project = services.get_project_to_evaluate(current_user, project_id)
    form = EvaluationForm(obj=project.evaluation) if request.method == "GET" else EvaluationForm()
    if request.method == "GET" and project.evaluation:
        form.rating.data = str(project.evaluation.rating)

    def save():
        files = [(f.filename, f.read()) for f in form.attachments.data or [] if f and f.filename]
        data = {k: form[k].data for k in ("beneficiaries_served", "rating", "outcomes", "summary")}
        return services.save_evaluation(current_user, project, data, files, now=utcnow())

    if submit(form, save):
        flash(_("The evaluation has been saved."), "success")
        return _back(project_id, "#evaluation")
    return render_template("projects/evaluation.html", form=form, project=project,
                           figures=services.figures_for(project))


@bp.route("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    found, path = services.get_attachment_for(current_user, attachment_id)
    return send_file(path, mimetype=found.content_type, as_attachment=True, download_name=found.filename)


