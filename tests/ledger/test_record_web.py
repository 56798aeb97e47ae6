"""Recording service without a scan on the web (补录): a manager finds the volunteer by name or
number within scope, gives the day and the times or the minutes, why, and a photo of the sign-in
sheet; someone else approves it, exactly as the API's rules say."""
from __future__ import annotations

import io
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from tests.conftest import csrf_from
from volunteer.core.models import Event
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry, SheetPhoto
from volunteer.ledger.services import span_minutes
from volunteer.ledger.vocabulary import EntrySource, EntryState, LedgerEvent
from volunteer.projects.models import Project

YESTERDAY = date.today() - timedelta(days=1)


def entries(app):
    with app.app_context():
        return db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.id)).all()


def form_page(person_browser, project_id, q):
    page = person_browser.get(f"/ledger/record?project={project_id}&q={q}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def post_record(person_browser, project_id, q, volunteer_id, **values):
    html = form_page(person_browser, project_id, q)
    data = {"csrf_token": csrf_from(html), "project_id": project_id, "q": q, "volunteer_id": volunteer_id,
            "served_on": YESTERDAY.isoformat(), "reason": "活动在社区广场举行，未设扫码点", **values}
    return person_browser.client.post("/ledger/record", data=data, content_type="multipart/form-data",
                                      follow_redirects=True)


def gps_photo() -> bytes:
    """A phone's photo: EXIF with a GPS block, taken on its side (orientation 6)."""
    image = Image.new("RGB", (400, 300), "white")
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 10.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_manager_records_service_with_times_and_someone_else_approves_it(app, world, now_site, signed_in):
    manager = signed_in(world.a_manager)
    html = form_page(manager, now_site.project_id, "王小明")
    assert "王小明" in html and 'data-testid="record-form"' in html
    response = post_record(manager, now_site.project_id, "王小明", world.a_volunteer.id,
                           service_from="08:00", service_to="12:30", activity="社区广场义诊")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "已补录" in page and "270 分钟" in page and "王小明" in page
    [entry] = entries(app)
    assert (entry.source, entry.state, entry.minutes, entry.activity_minutes) == (EntrySource.MANUAL, EntryState.PENDING, 270, 270)
    assert (entry.service_from, entry.service_to, entry.served_on) == (time(8, 0), time(12, 30), YESTERDAY)
    assert entry.volunteer_id == world.a_volunteer.id and entry.created_by_id == world.a_manager.id
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(
            Event.action == LedgerEvent.MANUAL_RECORDED)) == 1
    # The author may not approve it; the town's admin may.
    assert "社区广场义诊" in manager.get("/ledger/queue").get_data(as_text=True)
    admin = signed_in(world.a_admin)
    queue = admin.get("/ledger/queue").get_data(as_text=True)
    assert "社区广场义诊" in queue and "08:00–12:30" in queue
    approved = admin.client.post(f"/ledger/{entry.id}/decide", data={"csrf_token": csrf_from(queue),
                                                                        "decision": "approve"}, follow_redirects=True)
    assert "已通过" in approved.get_data(as_text=True)
    assert entries(app)[0].state == EntryState.APPROVED


def test_fewer_minutes_than_the_times_and_a_night_shift(app, world, now_site, signed_in):
    manager = signed_in(world.a_manager)
    post_record(manager, now_site.project_id, "王小明", world.a_volunteer.id, service_from="08:00",
                service_to="12:00", minutes="200")
    assert (entries(app)[0].minutes, entries(app)[0].activity_minutes) == (200, 240)
    assert span_minutes(time(22, 0), time(2, 0)) == 240
    refused = post_record(manager, now_site.project_id, "王小明", world.a_volunteer.id, service_from="08:00",
                          service_to="09:00", minutes="90").get_data(as_text=True)
    assert "不能超过活动时长（60 分钟）" in refused.replace("(", "（").replace(")", "）")
    assert len(entries(app)) == 1


@pytest.mark.parametrize("values, field, message", [
    ({"service_from": "08:00", "minutes": "60"}, "service_to", "请同时填写开始和结束时间"),
    ({"minutes": "60", "served_on": (date.today() + timedelta(days=2)).isoformat()}, "served_on", "服务日期不能晚于今天"),
    ({"minutes": "60", "reason": ""}, "reason", "请说明未扫码"),
    ({"minutes": "60", "served_on": "2026-13-40"}, "served_on", "日期"),
])
def test_bad_input_is_said_beside_its_field_and_stores_nothing(app, world, now_site, signed_in, values, field, message):
    manager = signed_in(world.a_manager)
    response = post_record(manager, now_site.project_id, "王小明", world.a_volunteer.id, **values)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html, html[html.find("field-error") - 300:][:800]
    assert 'aria-invalid="true"' in html and f'id="{field}-error"' in html or message in html
    assert entries(app) == []


def test_the_photo_is_kept_without_its_location_and_shown_only_in_scope(app, world, now_site, signed_in):
    manager = signed_in(world.a_manager)
    post_record(manager, now_site.project_id, "王小明", world.a_volunteer.id, minutes="60",
                photo=(io.BytesIO(gps_photo()), "sheet.jpg"))
    [entry] = entries(app)
    with app.app_context():
        kept = db.session.get(SheetPhoto, entry.id)
        assert kept is not None
        image = Image.open(io.BytesIO(kept.jpeg))
        assert image.format == "JPEG" and image.size == (300, 400)  # turned upright
        assert 0x8825 not in image.getexif() and not image.info.get("exif")
    admin = signed_in(world.a_admin)
    assert f"/ledger/{entry.id}/photo" in admin.get("/ledger/queue").get_data(as_text=True)
    shown = admin.get(f"/ledger/{entry.id}/photo")
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert signed_in(world.b_admin).get(f"/ledger/{entry.id}/photo").status_code == 404
    assert signed_in(world.a_volunteer).get(f"/ledger/{entry.id}/photo").status_code in (403, 404)


def test_a_file_that_is_not_a_photo_is_refused(app, world, now_site, signed_in):
    manager = signed_in(world.a_manager)
    html = post_record(manager, now_site.project_id, "王小明", world.a_volunteer.id, minutes="60",
                       photo=(io.BytesIO(b"%PDF-1.4 not an image"), "sheet.pdf")).get_data(as_text=True)
    assert "照片须为 JPEG、PNG 或 WebP 图片" in html
    assert entries(app) == []


def test_volunteers_outside_scope_or_off_the_roster_are_not_found(app, world, now_site, signed_in):
    manager = signed_in(world.a_manager)
    other_town = form_page(manager, now_site.project_id, "李小红")
    assert 'data-testid="record-none-found"' in other_town and "李小红" in other_town.split("record-none-found")[1][:200]
    assert 'value="%d"' % world.b_volunteer.id not in other_town
    with app.app_context():
        db.session.get(Project, now_site.project_id).roster_required = True
        db.session.commit()
    off_roster = form_page(manager, now_site.project_id, "王小明")
    assert 'data-testid="record-none-found"' in off_roster
    # Posted anyway, the service refuses them as the API does, and nothing is stored.
    refused = manager.client.post("/ledger/record", data={
        "csrf_token": csrf_from(off_roster), "project_id": now_site.project_id, "q": "王小明",
        "volunteer_id": world.a_volunteer.id, "served_on": YESTERDAY.isoformat(), "minutes": "60",
        "reason": "x"}, follow_redirects=True).get_data(as_text=True)
    assert "请先在某个岗位录用其报名" in refused
    assert entries(app) == []


def test_who_may_open_the_page(app, world, now_site, signed_in):
    assert signed_in(world.a_volunteer).get("/ledger/record").status_code == 403
    other = signed_in(world.b_manager)
    page = other.get(f"/ledger/record?project={now_site.project_id}&q=王小明").get_data(as_text=True)
    assert "王小明" not in page and "社区助老服务" not in page  # another town's project is not offered
    html = other.get("/ledger/record").get_data(as_text=True)
    response = other.client.post("/ledger/record", data={
        "csrf_token": csrf_from(html), "project_id": now_site.project_id, "volunteer_id": world.a_volunteer.id,
        "served_on": YESTERDAY.isoformat(), "minutes": "60", "reason": "x"})
    assert response.status_code == 404
    assert entries(app) == []
