"""Shifts on the web: the shifts open to me (by day and station) and my sign-ups, a shift's page
with its actions, a position's shifts for its staff (one at a time or from a pattern), and a
shift's roster for its staff and the station's leads (leave, absences, cancelling it)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer.accounts.forms import ConfirmForm
from volunteer.core.errors import NotFound
from volunteer.core.pagination import paginate
from volunteer.core.time import DEFAULT_ZONE, utcnow
from volunteer.extensions import db
from volunteer.projects import services as projects
from volunteer.shifts import services
from volunteer.shifts.forms import PatternForm, ReasonForm, ShiftForm
from volunteer.shifts.models import Signup
from volunteer.shifts.vocabulary import LeaveDecision, SignupState
from volunteer.web.helpers import flash_form_errors, submit

bp = Blueprint("shifts", __name__)


def _day(text) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@bp.app_context_processor
def _shift_record():
    """``shift_record(volunteer_id)``: their no-shows and late leave over the rolling period, beside an application."""
    return {"shift_record": lambda volunteer_id: services.shift_record(volunteer_id, now=utcnow())}


@bp.route("/shifts/")
def index():
    """Shifts open for sign-up (to me, when I am a volunteer), by day and station, and mine."""
    day, now = _day(request.args.get("day")), utcnow()
    filters = {"open": True, "station_id": request.args.get("station_id", type=int),
               "project_id": request.args.get("project_id", type=int)}
    if day:
        filters["from"] = datetime.combine(day, time(), tzinfo=DEFAULT_ZONE)
        filters["to"] = filters["from"] + timedelta(days=1)
    volunteer = getattr(current_user, "volunteer", None) if current_user.is_authenticated else None
    page = paginate(services.find_shifts(filters, now=now, volunteer=volunteer), request.args.get("page", 1), 30)
    mine = db.session.scalars(services.signups_of(current_user).where(Signup.state.in_(
        (SignupState.CONFIRMED, SignupState.WAITING, SignupState.OFFERED))).limit(20)).all() if volunteer else []
    return render_template("shifts/index.html", page=page, mine=mine, day=day, station_id=filters["station_id"],
                           now=now, stations=services.stations_with_shifts({**filters, "station_id": None}, now=now))


@bp.route("/shifts/<int:shift_id>")
def detail(shift_id: int):
    shift = services.get_shift(shift_id)
    volunteer = getattr(current_user, "volunteer", None) if current_user.is_authenticated else None
    mine, now = next((s for s in reversed(shift.signups) if volunteer and s.volunteer_id == volunteer.id), None), utcnow()
    return render_template("shifts/detail.html", shift=shift, mine=mine, now=now, form=ConfirmForm(),
                           leave_form=ReasonForm(), queue=services.queue_position(mine) if mine else None,
                           open=services.is_open_for_signup(shift, now),
                           may_cancel=bool(mine) and services.may_cancel(mine, now),
                           may_ask_leave=bool(mine) and services.may_ask_leave(mine, now),
                           may_run=current_user.is_authenticated and services.may_run(current_user, shift))


@bp.route("/shifts/<int:shift_id>/signup", methods=["POST"])
@login_required
def sign_up(shift_id: int):
    shift = services.get_shift(shift_id)
    signup = submit(ConfirmForm(), lambda: services.sign_up(current_user, shift, now=utcnow()))
    if signup:
        flash(_("You have a place on this shift.") if signup.state == SignupState.CONFIRMED
              else _("The shift is full: you are number %(n)s on its waiting list.",
                     n=services.queue_position(signup)), "success")
    return redirect(url_for("shifts.detail", shift_id=shift.id))


@bp.route("/signups/<int:signup_id>/cancel", methods=["POST"])
@login_required
def cancel(signup_id: int):
    signup = services.get_own_signup(current_user, signup_id)
    if submit(ConfirmForm(), lambda: services.cancel_signup(current_user, signup, now=utcnow())):
        flash(_("Your sign-up is cancelled."), "success")
    return redirect(url_for("shifts.detail", shift_id=signup.shift_id))


@bp.route("/signups/<int:signup_id>/accept", methods=["POST"])
@login_required
def accept(signup_id: int):
    signup = services.get_own_signup(current_user, signup_id)
    if submit(ConfirmForm(), lambda: services.accept_offer(current_user, signup, now=utcnow())):
        flash(_("You have a place on this shift."), "success")
    return redirect(url_for("shifts.detail", shift_id=signup.shift_id))


@bp.route("/signups/<int:signup_id>/leave", methods=["POST"])
@login_required
def leave(signup_id: int):
    signup = services.get_own_signup(current_user, signup_id)
    back = url_for("shifts.detail", shift_id=signup.shift_id)
    form = ReasonForm()
    if submit(form, lambda: services.ask_leave(current_user, signup, form.reason.data, now=utcnow())):
        flash(_("Your leave request is sent."), "success")
    else:
        flash_form_errors(form)
    return redirect(back)


def _station_choices(position):
    return [("", _("No station (the project's place)"))] + [(str(s.id), s.name) for s in position.project.stations]


@bp.route("/positions/<int:position_id>/shifts", methods=["GET", "POST"])
@login_required
def position_shifts(position_id: int):
    """A position's shifts for its staff: the list, one more, or one a day from a pattern."""
    position = projects.get_position_for(current_user, position_id)
    services.ensure_may_plan(current_user, position)
    single, pattern = ShiftForm(prefix="one"), PatternForm(prefix="many")
    single.station_id.choices = pattern.station_id.choices = _station_choices(position)
    keys = ("starts_at", "ends_at", "capacity", "station_id", "note")
    if request.form.get("kind") == "one" and submit(single, lambda: services.create_shift(
            current_user, position, {k: single[k].data for k in keys}, now=utcnow())):
        flash(_("The shift is planned."), "success")
        return redirect(url_for("shifts.position_shifts", position_id=position.id))
    many = ("first_day", "last_day", "start", "end", "capacity", "station_id", "note")
    made = request.form.get("kind") == "many" and submit(pattern, lambda: services.create_pattern(
        current_user, position, {k: pattern[k].data for k in many}, now=utcnow()))
    if made:
        flash(_("%(n)s shifts are planned.", n=len(made)), "success")
        return redirect(url_for("shifts.position_shifts", position_id=position.id))
    page = paginate(services.shifts_of_position(position), request.args.get("page", 1), 50)
    return render_template("shifts/position.html", position=position, page=page, single=single, pattern=pattern)


@bp.route("/shifts/<int:shift_id>/roster")
@login_required
def roster(shift_id: int):
    shift = services.get_shift_for_runner(current_user, shift_id)
    editable = services.may_plan(current_user, shift.position) and services.is_editable(shift, utcnow())
    return render_template("shifts/roster.html", shift=shift, form=ConfirmForm(), cancel_form=ReasonForm(),
                           edit_form=_edit_form(shift) if editable else None,
                           may_plan=services.may_plan(current_user, shift.position), LeaveDecision=LeaveDecision,
                           no_shows={s.volunteer_id: services.no_shows(s.volunteer_id, now=utcnow()) for s in shift.signups})


def _edit_form(shift, form=None):
    """The shift's own times, places, station and note, as its staff change them."""
    form = form or ShiftForm(prefix="edit", formdata=None, data={
        "starts_at": shift.starts_at.astimezone(shift.zone).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": shift.ends_at.astimezone(shift.zone).strftime("%Y-%m-%dT%H:%M"),
        "capacity": str(shift.capacity), "station_id": str(shift.station_id or ""), "note": shift.note or ""})
    form.station_id.choices = _station_choices(shift.position)
    return form


@bp.route("/shifts/<int:shift_id>/edit", methods=["POST"])
@login_required
def edit_shift(shift_id: int):
    """Changed while nobody has signed up and before it begins (else the reason is said)."""
    shift = services.get_shift_for_manager(current_user, shift_id)
    form = _edit_form(shift, ShiftForm(prefix="edit"))
    keys = ("starts_at", "ends_at", "capacity", "station_id", "note")
    if submit(form, lambda: services.edit_shift(current_user, shift, {k: form[k].data for k in keys}, now=utcnow())):
        flash(_("The shift is changed."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("shifts.roster", shift_id=shift.id))


@bp.route("/shifts/<int:shift_id>/cancel", methods=["POST"])
@login_required
def cancel_shift(shift_id: int):
    shift = services.get_shift_for_manager(current_user, shift_id)
    form = ReasonForm()
    if submit(form, lambda: services.cancel_shift(current_user, shift, form.reason.data, now=utcnow())):
        flash(_("The shift is cancelled and everyone signed up is told."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("shifts.roster", shift_id=shift.id))


@bp.route("/leave/<int:leave_id>/decide", methods=["POST"])
@login_required
def decide_leave(leave_id: int):
    leave = services.get_leave_for(current_user, leave_id)
    if submit(ConfirmForm(), lambda: services.decide_leave(current_user, leave, request.form.get("decision", ""),
                                                           request.form.get("note"), now=utcnow())):
        flash(_("The leave request is decided."), "success")
    return redirect(url_for("shifts.roster", shift_id=leave.signup.shift_id))


@bp.route("/signups/<int:signup_id>/excuse", methods=["POST"])
@login_required
def excuse(signup_id: int):
    signup = db.session.get(Signup, signup_id)
    if signup is None:
        raise NotFound()
    if submit(ConfirmForm(), lambda: services.excuse(current_user, signup, now=utcnow())):
        flash(_("The absence is excused."), "success")
    return redirect(url_for("shifts.roster", shift_id=signup.shift_id))
