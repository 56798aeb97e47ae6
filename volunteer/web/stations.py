"""Station pages for staff: list in scope, detail, create, edit, leads."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer.accounts.forms import ConfirmForm
from volunteer.core import permissions
from volunteer.core.errors import NotFound
from volunteer.core.pagination import paginate
from volunteer.core.time import utcnow
from volunteer.organisations import services as organisations
from volunteer.shifts import services as shifts
from volunteer.stations import codes, coordinates, services, zones
from volunteer.stations.forms import LeadForm, StationForm
from volunteer.stations.poster import station_poster
from volunteer.stations.vocabulary import STORED_SYSTEM
from volunteer.web.helpers import submit

bp = Blueprint("stations", __name__, url_prefix="/stations")


@bp.route("/")
@login_required
def index():
    permissions.ensure_any_scope(current_user, "station.view")
    q = request.args.get("q", "")
    page = paginate(services.stations_in_scope(current_user, q), request.args.get("page", 1), 30)
    return render_template("stations/index.html", page=page, q=q,
                           can_create=bool(permissions.scope_roots(current_user, "station.manage")))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    permissions.ensure_any_scope(current_user, "station.manage")
    form = StationForm()
    form.organisation_code.choices = organisations.choices_for(current_user, "station.manage")
    station = submit(form, lambda: services.create_station(
        current_user, organisations.get_by_code(form.organisation_code.data), form.data_for_service(),
        now=utcnow()))
    if station:
        flash(_("The station has been created."), "success")
        return redirect(url_for("stations.detail", station_id=station.id))
    return render_template("stations/edit.html", form=form, station=None, stored_system=STORED_SYSTEM)


@bp.route("/<int:station_id>")
@login_required
def detail(station_id: int):
    station = services.get_station_for(current_user, station_id)
    other_views = coordinates.other_views(station.lat, station.lng) if station.lat is not None else []
    return render_template("stations/detail.html", station=station, lead_form=LeadForm(),
                           remove_form=ConfirmForm(), stored_system=STORED_SYSTEM, other_views=other_views,
                           zone_label=zones.zone_label(station.timezone),
                           can_manage=permissions.can(current_user, "station.manage", station),
                           can_kiosk=station.may_run_kiosk(current_user),
                           expected=shifts.expected_now(station.id, now=utcnow()) if station.may_run_kiosk(current_user) else [])


@bp.route("/<int:station_id>/edit", methods=["GET", "POST"])
@login_required
def edit(station_id: int):
    station = services.get_station_for(current_user, station_id, "station.manage")
    form = StationForm(obj=station) if request.method == "GET" else StationForm()
    del form.organisation_code
    if request.method == "GET":
        # No system chosen: the stored point saved back unchanged stays where it is, and a point
        # pasted over it must say where it comes from (stations.services.update_station).
        form.coordinate_system.data = ""
        form.opens_at.data = station.opens_at.strftime("%H:%M") if station.opens_at else ""
        form.closes_at.data = station.closes_at.strftime("%H:%M") if station.closes_at else ""
    if submit(form, lambda: services.update_station(current_user, station, form.data_for_service(), now=utcnow())):
        flash(_("The station has been saved."), "success")
        return redirect(url_for("stations.detail", station_id=station.id))
    return render_template("stations/edit.html", form=form, station=station, stored_system=STORED_SYSTEM)


@bp.route("/<int:station_id>/qr.<image_format>")
@login_required
def qr(station_id: int, image_format: str):
    """The station's static code (for staff over it and its leads), as SVG or PNG."""
    station = services.get_station_for(current_user, station_id)
    if image_format not in ("svg", "png"):
        raise NotFound()
    body, content_type, _text = codes.station_qr(station, codes.STATIC, image_format, now=utcnow())
    return Response(body, mimetype=content_type)


@bp.route("/<int:station_id>/display")
@login_required
def display(station_id: int):
    """A page for the station's screen: the rotating code, refreshed every 30 seconds."""
    station = services.get_station_for(current_user, station_id)
    return render_template("stations/display.html", station=station, step_seconds=codes.STEP_SECONDS)


@bp.route("/<int:station_id>/rotating.<image_format>")
@login_required
def rotating_qr(station_id: int, image_format: str):
    """The current rotating code; never cached, since it changes every step."""
    station = services.get_station_for(current_user, station_id)
    if image_format not in ("svg", "png"):
        raise NotFound()
    body, content_type, text = codes.station_qr(station, codes.ROTATING, image_format, now=utcnow())
    return Response(body, mimetype=content_type, headers={"Cache-Control": "no-store", "X-Code-Text": text})


@bp.route("/<int:station_id>/poster.pdf")
@login_required
def poster(station_id: int):
    """The A4 poster of the station's static code, for printing."""
    station = services.get_station_for(current_user, station_id)
    body = station_poster(station.name, station.organisation.name,
                          codes.code_url(codes.make_code(station, codes.STATIC)))
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=station-{station.id}-poster.pdf"})


@bp.route("/<int:station_id>/reset-code", methods=["POST"])
@login_required
def reset_code(station_id: int):
    station = services.get_station_for(current_user, station_id, "station.manage")
    if submit(ConfirmForm(), lambda: codes.reset_code(current_user, station, now=utcnow())):
        flash(_("The station's code has been replaced. Print the new poster; the old one no longer works."),
              "success")
    return redirect(url_for("stations.detail", station_id=station.id))


@bp.route("/<int:station_id>/leads", methods=["POST"])
@login_required
def add_lead(station_id: int):
    station = services.get_station_for(current_user, station_id, "station.manage")
    form = LeadForm()
    if submit(form, lambda: services.add_lead_by_login(current_user, station, form.login.data, now=utcnow())):
        flash(_("The station lead has been added."), "success")
    else:
        for message in form.login.errors:
            flash(message, "error")
    return redirect(url_for("stations.detail", station_id=station.id))


@bp.route("/<int:station_id>/leads/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_lead(station_id: int, user_id: int):
    station = services.get_station_for(current_user, station_id, "station.manage")
    if submit(ConfirmForm(), lambda: services.remove_lead(current_user, station, user_id, now=utcnow())):
        flash(_("The station lead has been removed."), "success")
    return redirect(url_for("stations.detail", station_id=station.id))
