"""The demo's shifts: this week's at the running projects' stations, one full with a waiting
list, the demo volunteer's place, one no-show and one granted leave."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from volunteer.accounts.models import User
from volunteer.extensions import db
from volunteer.shifts.models import LeaveRequest, Shift, Signup
from volunteer.shifts.vocabulary import LeaveState, SignupState


def test_the_demo_runs_shifts_this_week(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--volunteers", "60"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Shift)) >= 14
        states = db.session.scalars(sa.select(Signup.state)).all()
        assert states.count(SignupState.WAITING) >= 2 and SignupState.NO_SHOW in states
        assert SignupState.ON_LEAVE in states
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LeaveRequest).where(
            LeaveRequest.state == LeaveState.GRANTED)) == 1
        full = [s for s in db.session.scalars(sa.select(Shift)) if s.held_count == s.capacity]
        assert full and any(s.count(SignupState.WAITING) for s in full)
        demo = db.session.scalar(sa.select(User).where(User.phone == "13900000001"))
        assert db.session.scalar(sa.select(Signup).where(Signup.volunteer_id == demo.volunteer.id)).state == SignupState.CONFIRMED



@pytest.mark.parametrize("hour", [0, 7, 9, 12, 14, 18, 23])
def test_the_demo_loads_whatever_the_hour(app, hour):
    """The demo's shifts sit around "now": it loads at any hour of the stations' day (it once failed
    at night, asking leave from a shift that had ended)."""
    from volunteer import demo
    moment = datetime.combine(date(2026, 12, 2), time(hour, 30), tzinfo=ZoneInfo("Asia/Shanghai"))
    with app.app_context():
        assert demo.seed(now=moment.astimezone(timezone.utc), volunteer_count=40)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LeaveRequest).where(
            LeaveRequest.state == LeaveState.GRANTED)) == 1
