"""返家乡 practice programmes: the league admins' programmes, host units, posts to decide and
placements by hand; a unit contact's units, posts and applicants; a student's applications."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from volunteer.accounts.forms import ConfirmForm
from volunteer.core import get_by_id, permissions
from volunteer.core.errors import ValidationFailed
from volunteer.core.pagination import paginate
from volunteer.core.time import local_date, utcnow
from volunteer.organisations import services as organisations
from volunteer.practice import lifecycle
from volunteer.practice import services as practice
from volunteer.practice.filing import filing_pdf
from volunteer.practice.forms import (
    ApplicationForm,
    CommitmentForm,
    InsuranceForm,
    InterviewForm,
    PlaceForm,
    PostForm,
    ProgrammeForm,
    ReturnForm,
    UnitForm,
)
from volunteer.practice.models import Post, Programme, StudentApplication
from volunteer.practice.vocabulary import PostChoiceState, PostKind, StudentApplicationState
from volunteer.web.helpers import flash_form_errors, submit

bp = Blueprint("practice", __name__)
# a student's photos and files: never cached, never sniffed
PRIVATE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def _programme(programme_id: int) -> Programme:
    programme = get_by_id(Programme, programme_id)
    if programme is None:
        abort(404)
    return programme


def _chosen(form, action: str):
    """The organisation chosen in the form's select, among those the user may do ``action`` in; a
    code outside them is a field error like an empty one (nothing says whether it exists)."""
    code = form.organisation.data or ""
    if code not in {value for value, _label in form.organisation.choices}:
        raise ValidationFailed(fields={"organisation": [_l("Please choose an organisation.")]})
    return organisations.get_visible(current_user, code, action)


@bp.route("/practice/", methods=["GET", "POST"])
@login_required
def index():
    permissions.ensure_any_scope(current_user, "programme.run")
    form = ProgrammeForm()
    form.organisation.choices = organisations.choices_for(current_user, "programme.run")
    made = submit(form, lambda: practice.create_programme(
        current_user, _chosen(form, "programme.run"), {**form.data, "areas": (form.areas.data or "").split()}, now=utcnow()))
    if made:
        flash(_("The programme is set up: start collecting posts when it is ready."), "success")
        return redirect(url_for("practice.detail", programme_id=made.id))
    page = paginate(practice.programmes_of(current_user), request.args.get("page", 1), 20)
    return render_template("practice/index.html", page=page, form=form)


@bp.route("/practice/<int:programme_id>")
@login_required
def detail(programme_id: int):
    programme = practice.get_programme_for(current_user, programme_id)
    letter = practice.current_commitment(programme)
    return render_template("practice/detail.html", programme=programme, moves=lifecycle.next_moves(programme.state),
                           form=ConfirmForm(), unplaced=practice.unplaced(programme),
                           unfilled=practice.unfilled(programme), letter=letter, ready=practice.readiness(programme),
                           letter_form=CommitmentForm(letter=letter.text if letter else None))


@bp.route("/practice/<int:programme_id>/commitment", methods=["POST"])
@login_required
def set_commitment(programme_id: int):
    programme = practice.get_programme_for(current_user, programme_id)
    form = CommitmentForm()
    letter = submit(form, lambda: practice.set_commitment(current_user, programme, form.letter.data, now=utcnow()))
    if letter:
        flash(_("The commitment letter is now version %(version)s.", version=letter.version), "success")
    flash_form_errors(form)
    return redirect(url_for("practice.detail", programme_id=programme.id))


@bp.route("/practice/<int:programme_id>/move", methods=["POST"])
@login_required
def move(programme_id: int):
    programme = practice.get_programme_for(current_user, programme_id)
    target = request.form.get("target", "")
    if submit(ConfirmForm(), lambda: practice.transition_programme(current_user, programme, target, now=utcnow())):
        flash(_("The programme is now: %(state)s.", state=programme.state_label), "success")
    return redirect(url_for("practice.detail", programme_id=programme.id))


@bp.route("/practice/<int:programme_id>/posts")
@login_required
def posts(programme_id: int):
    programme = practice.get_programme_for(current_user, programme_id)
    page = paginate(practice.posts_to_decide(programme), request.args.get("page", 1), 30)
    return render_template("practice/posts.html", programme=programme, page=page, form=ReturnForm())


@bp.route("/practice/posts/<int:post_id>/decide", methods=["POST"])
@login_required
def decide_post(post_id: int):
    post = practice.get_post_for(current_user, post_id)
    approve = request.form.get("decision") == "pass"
    form = ReturnForm()
    if submit(form, lambda: practice.decide_post(current_user, post, approve=approve, reason=form.reason.data,
                                                 now=utcnow())):
        flash(_("“%(post)s” is now: %(state)s.", post=post.title, state=post.state_label), "success")
    for message in form.reason.errors:
        flash(message, "error")
    return redirect(url_for("practice.posts", programme_id=post.programme_id))


@bp.route("/practice/<int:programme_id>/applications/<int:application_id>/place", methods=["POST"])
@login_required
def place(programme_id: int, application_id: int):
    programme = practice.get_programme_for(current_user, programme_id)
    application = get_by_id(StudentApplication, application_id)
    if application is None or application.programme_id != programme.id:
        abort(404)
    form = PlaceForm()
    chosen = form.post.data or ""
    post = get_by_id(Post, int(chosen)) if chosen.isascii() and chosen.isdigit() and len(chosen) < 10 else None
    if post is None:
        flash(_("Please choose a post."), "error")
    elif submit(form, lambda: practice.place_by_hand(current_user, application, post, now=utcnow())):
        flash(_("%(student)s is placed on “%(post)s”.", student=application.volunteer.display_name, post=post.title),
              "success")
    return redirect(url_for("practice.detail", programme_id=programme.id))


@bp.route("/practice/units", methods=["GET", "POST"])
@login_required
def units():
    permissions.ensure_any_scope(current_user, "unit.register")
    form = UnitForm()
    form.organisation.choices = organisations.choices_for(current_user, "unit.register")
    made = submit(form, lambda: practice.register_unit(current_user, _chosen(form, "unit.register"), form.data,
                                                       now=utcnow()))
    if made:
        flash(_("%(unit)s is registered: its contact person has been told how to sign in.", unit=made.name), "success")
        return redirect(url_for("practice.units"))
    page = paginate(practice.units_in_scope(current_user), request.args.get("page", 1), 30)
    return render_template("practice/units.html", page=page, form=form)


@bp.route("/practice/unit")
@login_required
def unit_home():
    mine = practice.units_of_contact(current_user)
    if not mine:
        abort(403)
    return render_template("practice/unit_home.html", units=[
        (u, practice.posts_of_unit(u), practice.programmes_open_to(u), practice.applicants_of(u)) for u in mine],
        form=ConfirmForm(), interview=InterviewForm(), C=PostChoiceState)


@bp.route("/practice/unit/<int:unit_id>/programmes/<int:programme_id>/posts", methods=["GET", "POST"])
@login_required
def offer_post(unit_id: int, programme_id: int):
    unit, programme = practice.get_unit_for(current_user, unit_id), _programme(programme_id)
    if programme not in practice.programmes_open_to(unit):
        abort(404)
    form = PostForm()
    if request.method == "GET":
        form.starts_on.data, form.ends_on.data = programme.practice_starts_on, programme.practice_ends_on
    if submit(form, lambda: practice.submit_post(current_user, unit, programme, form.data, now=utcnow())):
        flash(_("The post is submitted: the league will approve it or return it to you."), "success")
        return redirect(url_for("practice.unit_home"))
    return render_template("practice/post_form.html", form=form, unit=unit, programme=programme, post=None)


@bp.route("/practice/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    post = practice.get_post_for(current_user, post_id)
    if not post.is_editable:
        flash(_("Only a post waiting for the league or returned to the unit can be changed."), "error")
        return redirect(url_for("practice.unit_home"))
    form = PostForm(obj=post)
    if submit(form, lambda: practice.edit_post(current_user, post, form.data, now=utcnow())):
        flash(_("The post is submitted again: the league will decide on it."), "success")
        return redirect(url_for("practice.unit_home"))
    return render_template("practice/post_form.html", form=form, unit=post.unit, programme=post.programme, post=post)


@bp.route("/practice/posts/<int:post_id>/withdraw", methods=["POST"])
@login_required
def withdraw_post(post_id: int):
    post = practice.get_post_for(current_user, post_id)
    if submit(ConfirmForm(), lambda: practice.withdraw_post(current_user, post, now=utcnow())):
        flash(_("“%(post)s” is withdrawn.", post=post.title), "success")
    return redirect(url_for("practice.unit_home"))


@bp.route("/practice/choices/<int:choice_id>/decide", methods=["POST"])
@login_required
def unit_decides(choice_id: int):
    choice = practice.get_choice_for_unit(current_user, choice_id)
    form = InterviewForm()
    target = request.form.get("target", "")
    if submit(form, lambda: practice.unit_decides(current_user, choice, target, interview_at=form.interview_at.data,
                                                  interview_place=form.interview_place.data, now=utcnow())):
        flash(_("%(student)s: %(state)s.", student=choice.application.volunteer.display_name,
                state=choice.state_label), "success")
    flash_form_errors(form)
    return redirect(url_for("practice.unit_home"))


@bp.route("/practice/mine")
@login_required
def mine():
    return render_template("practice/mine.html", applications=practice.applications_of(current_user),
                           programmes=practice.open_programmes(utcnow()))


@bp.route("/practice/<int:programme_id>/apply", methods=["GET", "POST"])
@login_required
def apply(programme_id: int):
    programme = _programme(programme_id)
    if not programme.shows_posts:
        abort(404)
    filters = {"kind": request.args.get("kind") or None, "q": (request.args.get("q") or "").strip()[:60] or None}
    offered = paginate(practice.offered_posts(programme, kind=filters["kind"], search=filters["q"]),
                       request.args.get("page", 1), 30)
    form = ApplicationForm(data=practice.last_details(current_user) if request.method == "GET" else None)
    form.hometown.choices = organisations.indented_choices(practice.hometowns(programme))
    options = [("", "—")] + [(str(p.id), f"{p.title} · {p.unit.name}") for p in practice.posts_offered(programme)]
    for rank in (1, 2, 3):
        getattr(form, f"choice_{rank}").choices = options
    made = submit(form, lambda: practice.apply(current_user, programme, {**form.data, "choices": form.chosen()},
                                               now=utcnow()), field_map={"choices": "choice_1"})
    if made:
        flash(_("Your application is in: units will choose among those who chose their posts."), "success")
        return redirect(url_for("practice.my_application", application_id=made.id))
    return render_template("practice/apply.html", programme=programme, form=form, offered=offered, filters=filters,
                           kinds=PostKind.choices(), open=programme.takes_applications(local_date(utcnow())))


@bp.route("/practice/mine/<int:application_id>")
@login_required
def my_application(application_id: int):
    application = practice.get_own_application(current_user, application_id)
    return render_template("practice/application.html", application=application, form=ConfirmForm(),
                           C=PostChoiceState, letter=practice.current_commitment(application.programme),
                           evaluation=practice.evaluation_of(application),
                           certificate=practice.practice_certificate_of(application),
                           attendance=practice.attendance_of([application]).get(application.id),
                           branch_member=practice.membership_of(application),
                           insurance_form=InsuranceForm(insurance=application.insurance))


@bp.route("/practice/mine/<int:application_id>/filing.pdf")
@login_required
def filing(application_id: int):
    application = practice.get_own_application(current_user, application_id)
    if application.state == StudentApplicationState.WITHDRAWN:
        abort(404)
    response = make_response(filing_pdf(application, now=utcnow()))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="filing-{application.id}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/practice/mine/<int:application_id>/commit", methods=["POST"])
@login_required
def commit(application_id: int):
    application = practice.get_own_application(current_user, application_id)
    if submit(ConfirmForm(), lambda: practice.acknowledge_commitment(
            current_user, application, request.form.get("commitment", ""), now=utcnow())):
        flash(_("You have acknowledged the commitment letter."), "success")
    return redirect(url_for("practice.my_application", application_id=application.id))


@bp.route("/practice/mine/<int:application_id>/insurance", methods=["POST"])
@login_required
def insurance(application_id: int):
    application = practice.get_own_application(current_user, application_id)
    form = InsuranceForm()
    proof = form.proof.data.read() if getattr(form.proof.data, "filename", None) else None
    if submit(form, lambda: practice.confirm_insurance(current_user, application, form.insurance.data, proof=proof,
                                                       now=utcnow())):
        flash(_("Your insurance is recorded."), "success")
    flash_form_errors(form)
    return redirect(url_for("practice.my_application", application_id=application.id))


@bp.route("/practice/applications/<int:application_id>/insurance.jpg")
@login_required
def insurance_proof(application_id: int):
    return Response(practice.insurance_proof_for(current_user, application_id), mimetype="image/jpeg",
                    headers=PRIVATE)


@bp.route("/practice/mine/<int:application_id>/withdraw", methods=["POST"])
@login_required
def withdraw_application(application_id: int):
    application = practice.get_own_application(current_user, application_id)
    if submit(ConfirmForm(), lambda: practice.withdraw_application(current_user, application, now=utcnow())):
        flash(_("Your application is withdrawn."), "success")
    return redirect(url_for("practice.my_application", application_id=application.id))


@bp.route("/practice/choices/<int:choice_id>/answer", methods=["POST"])
@login_required
def answer_offer(choice_id: int):
    choice = practice.get_own_choice(current_user, choice_id)
    accept = request.form.get("answer") == "take"
    step = practice.accept_offer if accept else practice.decline_offer
    if submit(ConfirmForm(), lambda: step(current_user, choice, now=utcnow())):
        flash(_("You accepted “%(post)s”: your other choices are withdrawn.", post=choice.post.title) if accept
              else _("You declined “%(post)s”.", post=choice.post.title), "success")
    return redirect(url_for("practice.my_application", application_id=choice.application_id))
