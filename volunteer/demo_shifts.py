"""The demo's shifts: the running projects' stations run a morning and an afternoon shift each
day this week; tomorrow morning's is full with two on its waiting list, the demo volunteer has a
place tomorrow afternoon, yesterday's shift has one no-show, and one leave was granted. Made
through the shifts' own services, as staff and volunteers would."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from volunteer.accounts.models import User, Volunteer
from volunteer.extensions import db
from volunteer.projects import services as projects
from volunteer.projects.models import Project
from volunteer.projects.vocabulary import ApplicationState, ProjectState
from volunteer.shifts import services as shifts
from volunteer.shifts.vocabulary import LeaveDecision

HOURS = ((time(8), time(12)), (time(13), time(17)))


def _volunteer_users(position, count: int, rng: random.Random, skip: set[int], now: datetime) -> list[User]:
    """Registered volunteers to sign up, each used once (``skip``); on a roster project each is
    first accepted for the position, as its manager would."""
    project = position.project
    people = db.session.scalars(sa.select(Volunteer).where(Volunteer.user_id.is_not(None)).order_by(Volunteer.id)
                                .limit(200)).all()
    accepted = {a.volunteer_id for a in position.applications if a.is_live}
    people = [v for v in people if v.user_id not in skip and v.is_active and v.id not in accepted]
    chosen = [v.user for v in rng.sample(people, min(count, len(people)))]
    manager = db.session.get(User, project.created_by_id)
    for user in chosen:
        skip.add(user.id)
        if project.roster_required:
            application = projects.apply_for_position(user, position, now=now)
            projects.decide_application(manager, application, ApplicationState.ACCEPTED, now=now)
    return chosen


def seed_shifts(rng: random.Random, now: datetime, demo_phone: str) -> None:
    running = db.session.scalars(sa.select(Project).where(Project.state == ProjectState.RUNNING)
                                 .order_by(Project.id)).all()
    running = [p for p in running if p.stations][:2]
    demo = db.session.scalar(sa.select(User).where(User.phone == demo_phone))
    for n, project in enumerate(running):
        manager = db.session.get(User, project.created_by_id)
        station = project.stations[0]
        position = projects.add_position(manager, project, {"title": "驿站值守", "capacity": 30}, now=now)
        db.session.flush()
        today = now.astimezone(station.zone).date()
        made = {}
        for offset in range(-1, 6):
            for half, (start, end) in enumerate(HOURS):
                day = today + timedelta(days=offset)
                made[offset, half] = shifts.create_shift(manager, position, {
                    "starts_at": datetime.combine(day, start, tzinfo=station.zone),
                    "ends_at": datetime.combine(day, end, tzinfo=station.zone), "capacity": 3,
                    "station_id": station.id, "note": "请提前 10 分钟到岗"}, now=now - timedelta(days=2))
        db.session.flush()
        taken = {demo.id} if demo else set()
        # tomorrow morning: full, and two wait
        for user in _volunteer_users(position, 5, rng, taken, now):
            shifts.sign_up(user, made[1, 0], now=now)
        yesterday = made[-1, 0]
        people = _volunteer_users(position, 2, rng, taken, now)
        for user in people:
            shifts.sign_up(user, yesterday, now=yesterday.starts_at - timedelta(days=1))
        db.session.flush()
        if people:
            came = next(s for s in yesterday.signups if s.volunteer_id == people[0].volunteer.id)
            came.attended_at = yesterday.starts_at + timedelta(minutes=5)
        if n == 0 and demo is not None:
            if project.roster_required:
                application = projects.apply_for_position(demo, position, now=now)
                projects.decide_application(manager, application, ApplicationState.ACCEPTED, now=now)
            shifts.sign_up(demo, made[1, 1], now=now)
            # one of the afternoon shift the day after tomorrow asked for leave, and the manager let
            # them off (a shift later than now whatever the hour the demo is loaded)
            leaving = _volunteer_users(position, 1, rng, taken, now)
            if leaving:
                signup = shifts.sign_up(leaving[0], made[2, 1], now=now - timedelta(days=1))
                db.session.flush()
                leave = shifts.ask_leave(leaving[0], signup, "临时加班，无法到岗", now=now - timedelta(hours=1))
                shifts.decide_leave(manager, leave, LeaveDecision.GRANT, now=now)
        db.session.flush()
    shifts.mark_no_shows(now=now)
    db.session.commit()
