"""Signing up for shifts: places held under concurrency, the waiting list and its offers, the
rules that refuse a sign-up or a cancellation, and idempotent retries, through the API."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from tests.shifts.conftest import NOW, signed_up, user_of
from volunteer.core.time import DEFAULT_ZONE
from volunteer.extensions import db
from volunteer.notifications import services as notifications
from volunteer.notifications.models import Notice
from volunteer.notifications.vocabulary import NoticeKind
from volunteer.shifts import services as shifts
from volunteer.shifts.models import Shift, Signup
from volunteer.shifts.vocabulary import SignupState


def bearer(token):
    return {"Authorization": f"Bearer {token}", "Accept-Language": "zh-CN"}


def notices_of(app, kind):
    with app.app_context():
        return db.session.scalars(sa.select(Notice.user_id).where(Notice.kind == kind).order_by(Notice.id)).all()


def test_fifty_sign_ups_at_once_for_ten_places(app, plan, factory, api_token):
    shift_id = plan(capacity=10)
    tokens = [api_token(factory.volunteer("LX-A-1")) for _ in range(50)]

    def sign_up(token):
        return app.test_client().post(f"/api/v1/shifts/{shift_id}/signups", json={}, headers=bearer(token))

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(sign_up, tokens))
    assert [a.status_code for a in answers] == [201] * 50, [a.json for a in answers if a.status_code != 201]
    states = [a.json["state"] for a in answers]
    assert states.count(SignupState.CONFIRMED) == 10 and states.count(SignupState.WAITING) == 40
    assert sorted(a.json["position_in_queue"] for a in answers if a.json["state"] == SignupState.WAITING) == list(range(1, 41))
    with app.app_context():
        shift = db.session.get(Shift, shift_id)
        assert shift.held_count == 10
        queue = db.session.scalars(sa.select(Signup).where(Signup.state == SignupState.WAITING).order_by(Signup.id)).all()
        assert [shifts.queue_position(s) for s in queue] == list(range(1, 41))  # the order they came in, kept


def test_a_freed_place_is_offered_in_turn_and_each_step_told_once(app, world, plan, factory):
    shift_id = plan(capacity=1)
    first, second, third = (factory.volunteer("LX-A-1") for _ in range(3))
    holder = signed_up(app, first, shift_id)
    assert holder.state == SignupState.CONFIRMED
    assert signed_up(app, second, shift_id).state == SignupState.WAITING
    assert signed_up(app, third, shift_id).state == SignupState.WAITING
    with app.app_context():
        shifts.cancel_signup(user_of(first), db.session.get(Signup, holder.id), now=NOW)
        db.session.commit()
        offered = db.session.scalar(sa.select(Signup).where(Signup.volunteer_id == second.id))
        assert offered.state == SignupState.OFFERED and offered.offered_until == NOW + timedelta(hours=2)
        assert db.session.get(Shift, shift_id).held_count == 1  # kept for the one offered
        assert shifts.expire_offers(now=NOW + timedelta(hours=1)) == 0
        assert shifts.expire_offers(now=NOW + timedelta(hours=2, seconds=1)) == 1
        db.session.commit()
        states = dict(db.session.execute(sa.select(Signup.volunteer_id, Signup.state)).all())
        assert states[second.id] == SignupState.LAPSED and states[third.id] == SignupState.OFFERED
        late = db.session.scalar(sa.select(Signup).where(Signup.volunteer_id == third.id))
        shifts.accept_offer(user_of(third), late, now=NOW + timedelta(hours=2, minutes=5))
        db.session.commit()
        assert late.state == SignupState.CONFIRMED
        assert shifts.expire_offers(now=NOW + timedelta(hours=9)) == 0
        assert db.session.get(Shift, shift_id).held_count == 1  # the one place, taken by the third
        lapsed = db.session.scalar(sa.select(Notice).where(Notice.kind == NoticeKind.OFFER_LAPSED))
        text = notifications.words_of(lapsed)[1]
        assert "%(" not in text and "顺延给下一位候补" in text
    assert notices_of(app, NoticeKind.SHIFT_OFFERED) == [second.user_id, third.user_id]
    assert notices_of(app, NoticeKind.OFFER_LAPSED) == [second.user_id]


def test_an_offer_taken_too_late_is_refused(app, plan, factory, api_token):
    shift_id = plan(capacity=1)
    first, second = factory.volunteer("LX-A-1"), factory.volunteer("LX-A-1")
    holder = signed_up(app, first, shift_id)
    waiting = signed_up(app, second, shift_id)
    with app.app_context():
        shifts.cancel_signup(user_of(first), db.session.get(Signup, holder.id), now=NOW - timedelta(hours=3))
        db.session.commit()  # offered until an hour ago
    late = app.test_client().post(f"/api/v1/signups/{waiting.id}/accept-offer", headers=bearer(api_token(second)))
    assert late.status_code == 409 and late.json["error"]["code"] == "offer_expired"
    assert "已过期" in late.json["error"]["message"]


def test_the_rules_refuse_with_clear_messages(app, plan, factory, api_token):
    volunteer = factory.volunteer("LX-A-1")
    token = api_token(volunteer)
    client = app.test_client()

    def sign_up(shift_id):
        return client.post(f"/api/v1/shifts/{shift_id}/signups", json={}, headers=bearer(token))

    first = plan(starts_in=48, hours=4)
    assert sign_up(first).status_code == 201
    again = sign_up(first)
    assert again.status_code == 409 and again.json["error"]["code"] == "already_signed_up"
    overlap = sign_up(plan(starts_in=50, hours=4))
    assert overlap.status_code == 409 and overlap.json["error"]["code"] == "shift_overlap"
    assert "该时段" in overlap.json["error"]["message"]
    too_early = sign_up(plan(starts_in=8 * 24))
    assert too_early.status_code == 409 and too_early.json["error"]["code"] == "signup_closed"
    started = sign_up(plan(starts_in=1, hours=3, at=NOW - timedelta(hours=2)))  # began an hour ago
    assert started.status_code == 409 and started.json["error"]["code"] == "signup_closed"
    # the cutoff: a place is given back up to 12 hours before; then leave is asked instead
    soon = sign_up(plan(starts_in=10, hours=2)).json
    closed = client.delete(f"/api/v1/signups/{soon['id']}", headers=bearer(token))
    assert closed.status_code == 409 and closed.json["error"]["code"] == "cancellation_closed"
    assert "请假" in closed.json["error"]["message"]
    far = sign_up(plan(starts_in=60, hours=2)).json
    assert client.delete(f"/api/v1/signups/{far['id']}", headers=bearer(token)).status_code == 204
    # more than 12 planned hours on one day (in the station's zone)
    day = (NOW + timedelta(days=4)).astimezone(DEFAULT_ZONE).date()
    morning = datetime.combine(day, time(7), tzinfo=DEFAULT_ZONE)
    hours_from_now = (morning - NOW).total_seconds() / 3600
    assert sign_up(plan(starts_in=hours_from_now, hours=6)).status_code == 201
    assert sign_up(plan(starts_in=hours_from_now + 6, hours=5)).status_code == 201
    too_long = sign_up(plan(starts_in=hours_from_now + 11, hours=2))
    assert too_long.status_code == 409 and too_long.json["error"]["code"] == "planned_hours_exceeded"
    assert "12 小时" in too_long.json["error"]["message"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Signup).where(
            Signup.state == SignupState.CONFIRMED)) == 4  # first, soon, and the day's two


def test_a_retried_sign_up_answers_the_first_result(app, plan, factory, api_token):
    shift_id = plan()
    token = api_token(factory.volunteer("LX-A-1"))
    body = {"request_id": "6f1c2b1e-9d7a-4c1b-8a6e-2f0d5c3b7a10"}
    first = app.test_client().post(f"/api/v1/shifts/{shift_id}/signups", json=body, headers=bearer(token))
    second = app.test_client().post(f"/api/v1/shifts/{shift_id}/signups", json=body, headers=bearer(token))
    assert first.status_code == second.status_code == 201 and first.json == second.json
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Signup)) == 1


def test_a_roster_position_takes_only_those_it_accepted(app, world, plan, factory, api_token):
    from volunteer.projects.models import Project
    shift_id = plan()
    with app.app_context():
        db.session.get(Project, plan.site.project_id).roster_required = True
        db.session.commit()
    stranger = api_token(factory.volunteer("LX-A-1"))
    refused = app.test_client().post(f"/api/v1/shifts/{shift_id}/signups", json={}, headers=bearer(stranger))
    assert refused.status_code == 409 and refused.json["error"]["code"] == "not_on_roster"

    def open_to(token):
        return [s["id"] for s in app.test_client().get("/api/v1/shifts?open=true", headers=bearer(token)).json["items"]]
    assert open_to(stranger) == []  # not offered what they may not take
    assert [s["id"] for s in app.test_client().get("/api/v1/shifts?open=true").json["items"]] == [shift_id]
    # accepted for the position, the same volunteer is taken
    from volunteer.accounts.models import User
    from volunteer.projects import services as projects
    from volunteer.projects.models import Position
    accepted = factory.volunteer("LX-A-1")
    with app.app_context():
        application = projects.apply_for_position(db.session.get(User, accepted.user_id),
                                                  db.session.get(Position, plan.position_id), now=NOW)
        db.session.commit()
        projects.decide_application(db.session.get(User, world.a_manager.id), application, "accepted", now=NOW)
        db.session.commit()
    taken = app.test_client().post(f"/api/v1/shifts/{shift_id}/signups", json={}, headers=bearer(api_token(accepted)))
    assert taken.status_code == 201 and taken.json["state"] == SignupState.CONFIRMED
    assert open_to(api_token(accepted)) == [shift_id]


def test_the_list_of_open_shifts_filters_by_station_and_day(app, plan):
    inside, later = plan(starts_in=30), plan(starts_in=9 * 24)
    plan(starts_in=40, station=False)
    client = app.test_client()
    listed = client.get(f"/api/v1/shifts?station_id={plan.site.station_id}&open=true").json
    assert [s["id"] for s in listed["items"]] == [inside]
    assert listed["items"][0]["station"]["name"] == "甲村志愿驿站" and listed["items"][0]["capacity"] == 10
    day = (NOW + timedelta(hours=9 * 24)).astimezone(DEFAULT_ZONE).date().isoformat()
    assert [s["id"] for s in client.get(f"/api/v1/shifts?from={day}&to={day}").json["items"]] == [later]
