"""A volunteer who is checked in sees it on their home page, with where and since when."""
from __future__ import annotations

from tests.checkin.fixtures import local


def test_the_home_page_says_checked_in_until_the_check_out(app, world, site, code, scan, signed_in):
    volunteer = signed_in(world.a_volunteer)
    assert 'data-testid="checked-in-now"' not in volunteer.get("/").get_data(as_text=True)
    scan(world.a_volunteer, code(site.station_id), local(9, 5))
    home = volunteer.get("/").get_data(as_text=True)
    assert 'data-testid="checked-in-now"' in home
    assert "正在签到中" in home and "甲村志愿驿站" in home and "09:05 签到" in home
    scan(world.a_volunteer, code(site.station_id), local(11, 0))
    assert 'data-testid="checked-in-now"' not in volunteer.get("/").get_data(as_text=True)
