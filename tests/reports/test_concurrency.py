"""Two approvals at once on the same project and day: both reach the rollups, whatever the order
(the first row of a day is an upsert; the others move counters in place)."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.checkin.fixtures import DAY, local
from tests.ledger.test_decisions import decide_at_once
from volunteer.extensions import db
from volunteer.reports import direct
from volunteer.reports.models import ProjectDay


def test_two_volunteers_approved_at_once_are_two_person_times(app, world, site, code, scan):
    for offset in range(3):
        day = DAY + timedelta(days=offset)
        sessions = []
        for person in (world.a_volunteer, world.b_volunteer):
            scan(person, code(site.station_id), local(9, day=day))
            sessions.append(scan(person, code(site.station_id), local(10, day=day)).session_id)
        results = decide_at_once(app, (site.lead, sessions[0], "approve"), (world.city_admin, sessions[1], "approve"),
                                 now=local(19, day=day))
        assert results == ["ok", "ok"]
        with app.app_context():
            row = db.session.scalar(sa.select(ProjectDay).filter_by(project_id=site.project_id, served_on=day))
            assert (row.person_times, row.checkin_minutes) == (2, 120), offset
    with app.app_context():
        assert direct.verify() == []
