"""The event log records who did what, and staff read it within their scope."""
import sqlalchemy as sa

from volunteer.core.models import Event
from volunteer.extensions import db


def test_event_page_names_actions_and_filters(world, signed_in):
    admin = signed_in(world.a_admin)
    admin.post_form("/organisations/LX-A-1/rename", {"name": "甲村新名"})
    html = admin.get("/events?action=organisation.renamed").get_data(as_text=True)
    assert "组织更名" in html and "甲村新名" in html
    assert "志愿者注册" not in html.split('data-testid="event-log"')[1]


def test_events_paginate(app, world, signed_in):
    admin = signed_in(world.city_admin)
    for i in range(3):
        admin.post_form("/organisations/LX-A-1/rename", {"name": f"名称{i}"})
    first = admin.get("/events?action=organisation.renamed&per_page=2").get_data(as_text=True)
    second = admin.get("/events?action=organisation.renamed&per_page=2&page=2").get_data(as_text=True)
    rows = lambda html: html.split('data-testid="event-log"')[1].split("</ol>")[0].count('data-testid="event"')  # noqa: E731
    assert (rows(first), rows(second)) == (2, 1)
    assert "下一页" in first and "下一页" not in second and "上一页" in second
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Event.id)).where(Event.action == "organisation.renamed")) == 3


def test_password_change_is_logged_without_the_password(app, world, signed_in):
    me = signed_in(world.a_volunteer)
    me.post_form("/me/password", {"current_password": world.a_volunteer.password, "new_password": "another123"})
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.action == "user.password_changed"))
        assert event.actor_id == world.a_volunteer.user_id
        assert "another123" not in str(event.after) and event.organisation_id is not None
