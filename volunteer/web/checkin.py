"""The page a station's QR code opens on a phone, and the lead's kiosk.

Opening the page changes nothing (link previews and prefetchers open URLs too); it shows what a
scan will do and sends the check-in as a POST with the CSRF token, by itself when nothing needs
asking. A reload re-sends the same request id, which the service answers from its first answer.
The session keeps for five minutes when the code was first opened, so signing in first does not
let a rotating code expire under the volunteer.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer.accounts.errors import NotAVolunteer
from volunteer.accounts.forms import ConfirmForm
from volunteer.accounts.services import volunteer_of
from volunteer.checkin import cards, services
from volunteer.checkin.errors import NOT_A_VOLUNTEER, ProjectRequired
from volunteer.checkin.forms import KioskForm, KioskNumberForm, ScanForm
from volunteer.checkin.vocabulary import ScanAction
from volunteer.core.database import retried
from volunteer.core.errors import DomainError, NotFound
from volunteer.core.handlers import CSP
from volunteer.core.time import utcnow
from volunteer.extensions import db, limiter
from volunteer.shifts import services as shifts
from volunteer.stations import codes
from volunteer.web.helpers import submit

bp = Blueprint("checkin", __name__)
TICKET = "scan_ticket"
TICKET_LIFETIME = timedelta(minutes=5)


@bp.route("/s/<code>")
def scan(code: str):
    now = utcnow()
    seen_at = _code_seen_at(code, now)
    try:
        scanned = codes.read_code(code, now=seen_at or now)
    except DomainError as exc:
        return render_template("checkin/result.html", outcome=None, error=exc), exc.status
    station = scanned.station
    if seen_at is None:
        # Remember when this browser first saw the code: signing in or choosing a project may
        # outlast a rotating code, and the scan should not be lost to that. (Only the first
        # time: reloading does not stretch a code's life.)
        session[TICKET] = {"code": code, "at": now.isoformat()}
    if not current_user.is_authenticated:
        flash(_("Sign in to check in at %(station)s.", station=station.name), "info")
        return redirect(url_for("accounts.login", next=request.path))
    try:
        volunteer = volunteer_of(current_user, NOT_A_VOLUNTEER)
    except NotAVolunteer as error:
        return render_template("checkin/result.html", outcome=None, error=error), error.status
    form = ScanForm(request_id=uuid.uuid4().hex)
    open_here = services.open_session_at(volunteer, station)
    form.project_id.choices = [] if open_here else [
        (p.id, p.title) for p in services.projects_open_to(volunteer, station, now=now)]
    return render_template("checkin/scan.html", form=form, station=station, code=code, open_here=open_here,
                           auto=len(form.project_id.choices) <= 1)


def _code_seen_at(code: str, now: datetime) -> datetime | None:
    """When this browser opened this code, if within the last few minutes."""
    ticket = session.get(TICKET) or {}
    if ticket.get("code") != code:
        return None
    try:
        seen = datetime.fromisoformat(ticket["at"])
    except (KeyError, TypeError, ValueError):
        return None
    return seen if timedelta(0) <= now - seen <= TICKET_LIFETIME else None


@bp.route("/s/<code>", methods=["POST"])
@login_required
@retried
def scan_post(code: str):
    now = utcnow()
    form = ScanForm()
    form.project_id.choices = []
    if not form.validate_on_submit():
        flash(_("The form has expired or did not come from this site. Please reload the page and try again."),
              "error")
        return redirect(url_for("checkin.scan", code=code))
    try:
        lat, lng = services.validate_location(form.lat.data, form.lng.data) if form.share_location.data \
            else (None, None)
    except DomainError:
        lat = lng = None  # a browser's bad reading is no reason to refuse the check-in
    outcome = services.scan_station_code(current_user, code, now=now, project_id=form.project_id.data or None,
                                         lat=lat, lng=lng, request_id=form.request_id.data,
                                         code_seen_at=_code_seen_at(code, now))
    db.session.commit()
    if isinstance(outcome.error, ProjectRequired):
        form.project_id.choices = [(p.id, p.title) for p in outcome.error.projects]
        form.project_id.errors = [str(outcome.error.message)]
        return render_template("checkin/scan.html", form=form, station=outcome.station, code=code,
                               open_here=None, auto=False), 422
    return render_template("checkin/result.html", outcome=outcome, error=outcome.error), outcome.status


KIOSK_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")  # the camera's QR decoder


@bp.route("/stations/<int:station_id>/kiosk", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["KIOSK_TYPED_RATE_LIMIT"], methods=["POST"],
               key_func=lambda: f"kiosk-typed:{current_user.get_id()}",
               exempt_when=lambda: "typed-number" not in request.form)
@retried
def kiosk(station_id: int):
    """The lead's kiosk: a scanner gun types a volunteer's card into the field and presses Enter,
    or the camera reads it. The page's script posts each scan and shows the answer without
    reloading (so the camera keeps running); without the script the form posts as usual."""
    now = utcnow()
    station = services.get_kiosk_station(current_user, station_id)
    projects = services.running_projects(station, now=now)
    form, typed = KioskForm(), KioskNumberForm(prefix="typed")
    form.project_id.choices = typed.project_id.choices = [(p.id, p.title) for p in projects]
    outcome, status = None, 200
    if request.method == "POST":
        posted = typed if typed.number.name in request.form else form
        if not posted.validate_on_submit():
            outcome = services.ScanOutcome(ScanAction.REFUSED, 400, error=DomainError(
                _("The form has expired or did not come from this site. Please reload the page and try again.")))
        elif posted is typed and (typed.number.data or "").strip():
            outcome = services.scan_number(current_user, station, typed.number.data, now=now,
                                           project_id=typed.project_id.data or None, request_id=typed.request_id.data)
            db.session.commit()
        elif posted is form and (form.code.data or "").strip():  # a post without the field is an empty one
            outcome = services.scan_card(current_user, station, form.code.data, now=now,
                                         project_id=form.project_id.data or None, request_id=form.request_id.data)
            db.session.commit()
        status = outcome.status if outcome else 200
        if request.headers.get("X-Requested-With") == "fetch":
            return render_template("checkin/_kiosk_result.html", outcome=outcome), status
    form.code.data = typed.number.data = ""
    typed.request_id.data = uuid.uuid4().hex  # a resent form (a reload) is answered, not scanned again
    response = make_response(render_template("checkin/kiosk.html", station=station, form=form, typed=typed,
                                             outcome=outcome, present=services.checked_in_at(station),
                                             expected=shifts.expected_now(station.id, now=now)), status)
    response.headers["Content-Security-Policy"] = KIOSK_CSP
    return response


def _own_volunteer():
    return volunteer_of(current_user, NOT_A_VOLUNTEER)


@bp.route("/me/card")
@login_required
def my_card():
    """The volunteer's personal QR code, printable as a card, for check-in at a kiosk."""
    return render_template("checkin/card.html", volunteer=_own_volunteer(), replace_form=ConfirmForm())


@bp.route("/me/card.<image_format>")
@login_required
def my_card_qr(image_format: str):
    if image_format not in ("svg", "png"):
        raise NotFound()
    body, content_type = codes.qr_image(cards.card_code(_own_volunteer()), image_format)
    return Response(body, mimetype=content_type)


@bp.route("/me/card/replace", methods=["POST"])
@login_required
def replace_card():
    _own_volunteer()
    if submit(ConfirmForm(), lambda: cards.replace_card(current_user, now=utcnow())):
        flash(_("Your card has been replaced. The old one no longer works; print the new one."), "success")
    return redirect(url_for("checkin.my_card"))
