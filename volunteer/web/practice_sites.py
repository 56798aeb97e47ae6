"""返家乡 attendance through the check-in, for the league: each unit's station and project of
social practice with its students' days checked in and hours approved; the pre-post training,
set up at one of the league's stations and planned as the shifts of its project; the temporary
branches, their members and secretaries, and a member's page of their branch (with its members'
attendance for a secretary). Routes of the practice blueprint."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer.accounts.forms import ConfirmForm
from volunteer.core.time import local_date, utcnow
from volunteer.practice import services as practice
from volunteer.practice.forms import BranchForm, BranchMembersForm, TrainingForm
from volunteer.practice.vocabulary import BRANCH_STAGES, TRAINING_STAGES
from volunteer.web.helpers import flash_form_errors, submit
from volunteer.web.practice import bp


def _training_form(programme) -> TrainingForm:
    form = TrainingForm()
    form.station_id.choices = [(str(s.id), s.name) for s in practice.training_stations(current_user, programme)]
    return form


@bp.route("/practice/<int:programme_id>/attendance")
@login_required
def attendance(programme_id: int):
    programme = practice.get_programme_for(current_user, programme_id)
    placed = practice.placed_students(programme)
    training = practice.training_of(programme)
    return render_template("practice/attendance.html", programme=programme, sites=[s for s in practice.projects_of(programme) if not s.is_training],
                           placed=placed, attendance=practice.attendance_of(placed), training=training,
                           today=local_date(utcnow()), days_due=practice.days_due,
                           form=_training_form(programme) if training is None and programme.state in TRAINING_STAGES
                           else None)


@bp.route("/practice/<int:programme_id>/training", methods=["POST"])
@login_required
def set_up_training(programme_id: int):
    programme = practice.get_programme_for(current_user, programme_id)
    form = _training_form(programme)
    training = submit(form, lambda: practice.set_up_training(current_user, programme, form.station_id.data,
                                                              now=utcnow()))
    if training:
        flash(_("The training is set up: plan its sessions, and the placed students sign up for one."), "success")
        return redirect(url_for("shifts.position_shifts", position_id=training.position_id))
    flash_form_errors(form)
    return redirect(url_for("practice.attendance", programme_id=programme.id))


@bp.route("/practice/<int:programme_id>/branches", methods=["GET", "POST"])
@login_required
def branches(programme_id: int):
    programme = practice.get_programme_for(current_user, programme_id)
    form = BranchForm()
    if submit(form, lambda: practice.form_branch(current_user, programme, form.name.data, now=utcnow())):
        flash(_("The branch “%(branch)s” is formed: put its students in it.", branch=form.name.data), "success")
        return redirect(url_for("practice.branches", programme_id=programme.id))
    placed = practice.placed_students(programme)
    return render_template("practice/branches.html", programme=programme, form=form,
                           branches=practice.branches_of(programme), unbranched=practice.unbranched(programme),
                           placed=placed, members=BranchMembersForm(formdata=None), confirm=ConfirmForm(),
                           open=programme.state in BRANCH_STAGES)


@bp.route("/practice/branches/<int:branch_id>/members", methods=["POST"])
@login_required
def branch_members(branch_id: int):
    branch = practice.get_branch_for(current_user, branch_id)
    form = BranchMembersForm()
    moved = submit(form, lambda: practice.put_in_branch(current_user, branch, form.application_ids.data, now=utcnow()))
    if moved:
        flash(_("%(n)s students are now in “%(branch)s”.", n=len(moved),
                branch=branch.name), "success")
    flash_form_errors(form)
    return redirect(url_for("practice.branches", programme_id=branch.programme_id))


@bp.route("/practice/branch-members/<int:member_id>/secretary", methods=["POST"])
@login_required
def branch_secretary(member_id: int):
    member = practice.get_member_for(current_user, member_id)
    chosen = request.form.get("secretary") == "1"
    if submit(ConfirmForm(), lambda: practice.set_secretary(current_user, member, chosen, now=utcnow())):
        flash(_("%(name)s is a secretary of the branch.", name=member.application.volunteer.display_name) if chosen
              else _("%(name)s is no longer a secretary of the branch.", name=member.application.volunteer.display_name),
              "success")
    return redirect(url_for("practice.branches", programme_id=member.branch.programme_id))


@bp.route("/practice/mine/<int:application_id>/branch")
@login_required
def my_branch(application_id: int):
    application = practice.get_own_application(current_user, application_id)
    branch, member, attendance = practice.my_branch(current_user, application)
    return render_template("practice/my_branch.html", application=application, branch=branch, member=member,
                           attendance=attendance, today=local_date(utcnow()), days_due=practice.days_due)
