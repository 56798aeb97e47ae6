"""Reminders: an accepted position at 10:00 gets its 24-hour and 1-hour reminders once each from
the periodic job run every few minutes (time passed in); none once the application is withdrawn
or the project cancelled; a text message written in the night's quiet hours waits for the morning."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from tests.notifications.test_outbox import apply_and_accept
from volunteer.extensions import db
from volunteer.notifications import services as notifications
from volunteer.notifications.models import Delivery, Notice
from volunteer.notifications.vocabulary import Channel, NoticeKind
from volunteer.projects.models import Application, Position, Project

SHANGHAI = ZoneInfo("Asia/Shanghai")
STARTS = datetime(2027, 3, 15, 10, 0, tzinfo=SHANGHAI)


def start_at(app, position, when=STARTS):
    with app.app_context():
        db.session.get(Position, position.position_id).starts_at = when
        db.session.commit()


def run_every_five_minutes(app, since, until):
    with app.app_context():
        at = since
        while at <= until:
            notifications.remind(now=at)
            db.session.commit()
            at += timedelta(minutes=5)


def reminders(app):
    with app.app_context():
        return db.session.execute(sa.select(Notice.kind, Notice.created_at).where(
            Notice.kind.in_([NoticeKind.STARTS_TOMORROW, NoticeKind.STARTS_SOON])).order_by(Notice.id)).all()


def test_each_reminder_once_at_its_time(app, world, position):
    apply_and_accept(app, world, position)
    start_at(app, position)
    run_every_five_minutes(app, STARTS - timedelta(hours=30), STARTS + timedelta(hours=1))
    found = reminders(app)
    assert [kind for kind, _at in found] == [NoticeKind.STARTS_TOMORROW, NoticeKind.STARTS_SOON]
    day_before, hour_before = (at.astimezone(SHANGHAI) for _kind, at in found)
    assert STARTS - timedelta(hours=24) <= day_before < STARTS - timedelta(hours=23, minutes=55)
    assert STARTS - timedelta(hours=1) <= hour_before < STARTS - timedelta(minutes=55)
    with app.app_context():
        notice = db.session.scalar(sa.select(Notice).where(Notice.kind == NoticeKind.STARTS_SOON))
        assert "2027-03-15 10:00" in notifications.words_of(notice)[1]


def test_a_late_sign_up_gets_only_the_nearest_reminder(app, world, position):
    apply_and_accept(app, world, position)
    start_at(app, position)
    run_every_five_minutes(app, STARTS - timedelta(minutes=40), STARTS)
    assert [kind for kind, _at in reminders(app)] == [NoticeKind.STARTS_SOON]


def test_no_reminder_once_withdrawn_or_cancelled(app, world, position):
    application_id = apply_and_accept(app, world, position)
    start_at(app, position)
    with app.app_context():
        db.session.get(Application, application_id).state = "withdrawn"
        db.session.commit()
    run_every_five_minutes(app, STARTS - timedelta(hours=25), STARTS)
    assert reminders(app) == []
    with app.app_context():
        db.session.get(Application, application_id).state = "accepted"
        db.session.get(Project, position.project_id).state = "cancelled"
        db.session.commit()
    run_every_five_minutes(app, STARTS - timedelta(hours=25), STARTS)
    assert reminders(app) == []


def test_a_text_message_waits_out_the_quiet_hours(app, world, position, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_BACKEND", "console")
    apply_and_accept(app, world, position)
    early = datetime(2027, 3, 15, 6, 30, tzinfo=SHANGHAI)
    start_at(app, position, early)
    with app.app_context():
        notifications.remind(now=early - timedelta(minutes=50))  # 05:40: the hour's reminder, by SMS
        db.session.commit()
        delivery = db.session.scalar(sa.select(Delivery).where(Delivery.channel == Channel.SMS))
        assert delivery.next_attempt_at.astimezone(SHANGHAI) == datetime(2027, 3, 15, 7, 0, tzinfo=SHANGHAI)
        assert notifications.send_due(now=early - timedelta(minutes=45))["delivered"] == 0
        assert notifications.send_due(now=datetime(2027, 3, 15, 7, 1, tzinfo=SHANGHAI))["delivered"] == 1
        assert notifications.quiet_until(datetime(2027, 3, 15, 12, 0, tzinfo=SHANGHAI)) == \
            datetime(2027, 3, 15, 12, 0, tzinfo=SHANGHAI)
        assert notifications.quiet_until(datetime(2027, 3, 15, 23, 0, tzinfo=SHANGHAI)) == \
            datetime(2027, 3, 16, 7, 0, tzinfo=SHANGHAI)
