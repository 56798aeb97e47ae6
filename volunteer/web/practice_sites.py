"""返家乡 attendance through the check-in, for the league: each unit's station and project of
social practice with its students' days checked in and hours approved; the pre-post training,
set up at one of the league's stations and planned as the shifts of its project. Routes of the
practice blueprint."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer.core.time import local_date, utcnow
from volunteer.practice import services as practice
from volunteer.practice.forms import TrainingForm
from volunteer.practice.vocabulary import TRAINING_STAGES
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
