"""What other domains ask a project, with time passed in; concurrent clicks on one transition."""
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_from
from volunteer.extensions import db
from volunteer.projects.models import Project, ProjectTransition


def at(day: str, hour: int = 4) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=timezone.utc)


@pytest.mark.parametrize("state, now, checkins, applications", [
    ("running", at("2026-06-01"), True, True),
    ("running", at("2026-05-31", 15), False, True),     # 23:00 in Shanghai, the day before it starts
    ("running", at("2026-05-31", 16), True, True),      # 00:00 in Shanghai on the first day
    ("running", at("2026-06-30", 15), True, True),      # 23:00 on the last day, Shanghai time
    ("running", at("2026-06-30", 16), False, False),    # the day after, Shanghai time
    ("recruiting", at("2026-06-01"), False, True),
    ("approved", at("2026-06-01"), False, False),
    ("suspended", at("2026-06-01"), False, False),
    ("evaluating", at("2026-06-01"), False, False),
])
def test_accepts_checkins_and_applications(state, now, checkins, applications):
    project = Project(state=state, starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 30), title="x")
    assert project.accepts_checkins(now) is checkins
    assert project.accepts_applications(now) is applications


def test_two_clicks_at_once_make_one_transition(app, world, signed_in, make_project):
    pid = make_project(world).id
    people = [signed_in(world.a_manager), signed_in(world.a_admin), signed_in(world.city_admin)]
    tokens = [csrf_from(p.get(f"/projects/{pid}").get_data(as_text=True)) for p in people]

    def submit(pair):
        person, token = pair
        return person.client.post(f"/projects/{pid}/transitions", data={"to": "submitted", "csrf_token": token}).status_code

    with ThreadPoolExecutor(max_workers=3) as pool:
        statuses = list(pool.map(submit, zip(people, tokens, strict=True)))
    assert statuses == [302, 302, 302]
    with app.app_context():
        assert db.session.get(Project, pid).state == "submitted"
        assert db.session.scalar(sa.select(sa.func.count(ProjectTransition.id))) == 1


def test_event_log_names_project_actions(world, signed_in, make_project):
    pid = make_project(world).id
    manager = signed_in(world.a_manager)
    manager.post_form(f"/projects/{pid}/transitions", {"to": "submitted"}, form_url=f"/projects/{pid}")
    html = manager.get("/events?action=project.transition").get_data(as_text=True)
    assert "项目状态变更" in html and "草稿 → 待审核" in html
