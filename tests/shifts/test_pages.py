"""The shifts' pages: a manager changes a shift nobody signed up for from its roster; the list
filters by station; the station's page shows its lead who should be here now, and nobody else."""
from __future__ import annotations

import re

from tests.conftest import csrf_from
from tests.shifts.conftest import signed_up
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.shifts.models import Shift


def test_a_manager_changes_a_shift_until_someone_signs_up(app, world, plan, signed_in, factory):
    shift_id = plan(capacity=3)
    manager = signed_in(world.a_manager)
    page = manager.get(f"/shifts/{shift_id}/roster").get_data(as_text=True)
    assert 'data-testid="edit-shift-form"' in page
    starts = re.search(r'name="edit-starts_at"[^>]*value="([^"]+)"', page).group(1)
    ends = re.search(r'name="edit-ends_at"[^>]*value="([^"]+)"', page).group(1)
    done = manager.client.post(f"/shifts/{shift_id}/edit", data={
        "csrf_token": csrf_from(page), "edit-starts_at": starts, "edit-ends_at": ends, "edit-capacity": "6",
        "edit-station_id": str(plan.site.station_id), "edit-note": "带好水杯"}, follow_redirects=True)
    assert "班次已修改" in done.get_data(as_text=True)
    with app.app_context():
        shift = db.session.get(Shift, shift_id)
        assert shift.capacity == 6 and shift.note == "带好水杯"
        assert shift.starts_at.astimezone(shift.zone).strftime("%Y-%m-%dT%H:%M") == starts  # unchanged
    signed_up(app, factory.volunteer("LX-A-1"), shift_id)
    assert 'data-testid="edit-shift-form"' not in manager.get(f"/shifts/{shift_id}/roster").get_data(as_text=True)
    refused = manager.client.post(f"/shifts/{shift_id}/edit", data={
        "csrf_token": csrf_from(page), "edit-starts_at": starts, "edit-ends_at": ends, "edit-capacity": "2"},
        follow_redirects=True)
    assert "已有志愿者报名该班次" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Shift, shift_id).capacity == 6


def test_the_list_offers_the_stations_of_its_shifts(app, plan, client):
    plan(starts_in=30)
    page = client.get("/shifts/").get_data(as_text=True)
    assert re.search(rf'<option value="{plan.site.station_id}"[^>]*>甲村志愿驿站</option>', page)
    assert "甲村志愿驿站" in client.get(f"/shifts/?station_id={plan.site.station_id}").get_data(as_text=True)


def test_the_station_page_shows_its_lead_who_should_be_here(app, world, plan, factory, signed_in):
    now = utcnow()
    shift_id = plan(starts_in=0.25, hours=2, at=now)  # begins in 15 minutes: due now
    volunteer = factory.volunteer("LX-A-1", name="钱应到")
    signed_up(app, volunteer, shift_id, at=now)
    url = f"/stations/{plan.site.station_id}"
    assert "钱应到" in signed_in(plan.site.lead).get(url).get_data(as_text=True)
    assert "钱应到" not in signed_in(world.a_volunteer).get(url).get_data(as_text=True)
