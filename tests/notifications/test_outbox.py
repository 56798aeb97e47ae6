"""The outbox: a change writes its notices in its own transaction; each channel's delivery is sent
once by a real SMTP server on loopback, in the recipient's language, retried while the server is
down, given up after NOTIFY_MAX_ATTEMPTS and then shown to an admin."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.notifications.conftest import body_of
from volunteer.accounts.models import User, Volunteer
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.notifications import services as notifications
from volunteer.notifications.models import Delivery, Notice
from volunteer.notifications.services.delivery import due_ids
from volunteer.notifications.vocabulary import Channel, DeliveryState, NoticeKind
from volunteer.projects import services as projects
from volunteer.projects.models import Application, Position


def apply_and_accept(app, world, position, person=None):
    """The volunteer applies; 甲镇's manager accepts: the application's id."""
    person = person or world.a_volunteer
    with app.app_context():
        spot = db.session.get(Position, position.position_id)
        application = projects.apply_for_position(db.session.get(User, person.user_id), spot, now=utcnow())
        db.session.commit()
        projects.decide_application(db.session.get(User, world.a_manager.id), application, "accepted", now=utcnow())
        db.session.commit()
        return application.id


def notices(app, **where):
    with app.app_context():
        stmt = sa.select(Notice).order_by(Notice.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(Notice, key) == value)
        return [(n.user_id, n.kind, sorted(d.channel for d in n.deliveries)) for n in db.session.scalars(stmt)]


def send(app, at=None):
    with app.app_context():
        return notifications.send_due(now=at or utcnow())


def test_an_acceptance_reaches_the_volunteer_once_by_mail_in_their_language(app, world, position, smtp, mailbox):
    mailbox(world.a_volunteer, "wang@example.org", locale="en")
    apply_and_accept(app, world, position)
    told = notices(app, user_id=world.a_volunteer.user_id)
    assert told == [(world.a_volunteer.user_id, NoticeKind.APPLICATION_ACCEPTED, [Channel.MAIL])]
    # the manager was told of the application, in the app only (their default for it)
    assert notices(app, user_id=world.a_manager.id) == [(world.a_manager.id, NoticeKind.VOLUNTEER_APPLIED, [])]
    assert send(app)[DeliveryState.SENT] == 1
    [message] = smtp.received
    assert message["To"] == "wang@example.org"
    assert "Your application was accepted" in message["Subject"]
    body = body_of(message)
    assert "“陪伴老人” on 社区助老服务 was accepted" in body and f"/projects/{position.project_id}" in body
    assert message.get_body(preferencelist=("html",)) is not None
    assert send(app)[DeliveryState.SENT] == 0 and len(smtp.received) == 1  # never twice


def test_chinese_is_the_default_language(app, world, position, smtp, mailbox):
    mailbox(world.a_volunteer, "wang@example.org")
    apply_and_accept(app, world, position)
    send(app)
    [message] = smtp.received
    assert "报名已被录用" in message["Subject"] or "录用" in message["Subject"]
    assert "陪伴老人" in body_of(message)


def test_a_server_down_is_retried_and_the_message_arrives_once_when_it_is_back(app, world, position, smtp, mailbox):
    mailbox(world.a_volunteer, "wang@example.org")
    apply_and_accept(app, world, position)
    smtp.stop()
    now = utcnow()
    assert send(app, now)[DeliveryState.DUE] == 1  # failed for now, due again later
    with app.app_context():
        delivery = db.session.scalar(sa.select(Delivery))
        assert (delivery.state, delivery.attempts) == (DeliveryState.DUE, 1) and delivery.error
        assert delivery.next_attempt_at > now
    assert send(app, now)[DeliveryState.SENT] == 0  # not before its wait is over
    smtp.start()
    assert send(app, now + timedelta(minutes=2))[DeliveryState.SENT] == 1
    assert len(smtp.received) == 1
    assert send(app, now + timedelta(hours=1))[DeliveryState.SENT] == 0 and len(smtp.received) == 1


def test_after_the_last_attempt_it_gives_up_and_an_admin_sees_it(app, world, position, smtp, mailbox, signed_in,
                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_MAX_ATTEMPTS", 3)
    mailbox(world.a_volunteer, "wang@example.org")
    apply_and_accept(app, world, position)
    smtp.stop()
    at = utcnow()
    for _attempt in range(3):
        send(app, at)
        at += timedelta(hours=1)
    with app.app_context():
        delivery = db.session.scalar(sa.select(Delivery))
        assert (delivery.state, delivery.attempts) == (DeliveryState.GAVE_UP, 3)
    assert send(app, at + timedelta(days=1))[DeliveryState.SENT] == 0
    page = signed_in(world.a_admin).get("/me/notifications/failed").get_data(as_text=True)
    assert 'data-testid="failed-delivery"' in page and "王小明" in page and "3 次" in page
    other = signed_in(world.b_admin).get("/me/notifications/failed").get_data(as_text=True)
    assert 'data-testid="failed-delivery"' not in other and "王小明" not in other
    assert signed_in(world.a_volunteer).get("/me/notifications/failed").status_code == 403


def test_a_change_rolled_back_tells_nobody(app, world, position):
    with app.app_context():
        spot = db.session.get(Position, position.position_id)
        projects.apply_for_position(db.session.get(User, world.a_volunteer.user_id), spot, now=utcnow())
        db.session.flush()
        assert db.session.scalar(sa.select(sa.func.count(Notice.id))) == 1  # written with the change...
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Notice.id))) == 0  # ...and gone with it
        assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 0


def test_nobody_is_told_of_their_own_action(app, world, position, factory):
    """A manager who is also a volunteer applies to their own project: the manager's notice of
    an application would be to themselves, so there is none."""
    from volunteer.accounts import services as accounts
    from volunteer.organisations.services import get_by_code
    from volunteer.projects.models import Project
    both = factory.volunteer("LX-A-1", name="两者皆是")
    with app.app_context():
        user = db.session.get(User, both.user_id)
        accounts.grant_role(None, user, get_by_code("LX-A"), "manager", now=utcnow())
        db.session.get(Project, position.project_id).created_by_id = user.id
        db.session.commit()
        projects.apply_for_position(db.session.get(User, both.user_id), db.session.get(Position, position.position_id),
                                    now=utcnow())
        db.session.commit()
    assert notices(app, user_id=both.user_id) == []


def test_an_opt_out_holds_and_the_inbox_still_keeps_it(app, world, position, smtp, mailbox, signed_in):
    mailbox(world.a_volunteer, "wang@example.org")
    volunteer = signed_in(world.a_volunteer)
    page = volunteer.get("/me/notifications/settings").get_data(as_text=True)
    assert f'data-testid="choice-{NoticeKind.APPLICATION_ACCEPTED}-{Channel.MAIL}"' in page
    from tests.conftest import csrf_from
    keep = [f"{kind}:{Channel.MAIL}" for kind in NoticeKind if kind != NoticeKind.APPLICATION_ACCEPTED]
    saved = volunteer.client.post("/me/notifications/settings", data={"csrf_token": csrf_from(page), "on": keep},
                                  follow_redirects=True)
    assert "已保存" in saved.get_data(as_text=True)
    apply_and_accept(app, world, position)
    assert notices(app, user_id=world.a_volunteer.user_id) == [
        (world.a_volunteer.user_id, NoticeKind.APPLICATION_ACCEPTED, [])]
    send(app)
    assert smtp.received == []
    with app.app_context():
        assert notifications.chosen_channels(world.a_volunteer.user_id, NoticeKind.APPLICATION_DECLINED) \
            == {Channel.INBOX, Channel.MAIL}


def test_without_an_address_nothing_waits_for_mail(app, world, position):
    apply_and_accept(app, world, position)
    with app.app_context():
        assert db.session.get(Volunteer, world.a_volunteer.id).user.email is None
        assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 0
    assert notices(app, user_id=world.a_volunteer.user_id)[0][1] == NoticeKind.APPLICATION_ACCEPTED


def test_two_senders_at_once_send_each_delivery_once(app, world, position, smtp, mailbox):
    """Each sender claims a delivery by a conditional UPDATE: of two claims of one delivery, one."""
    mailbox(world.a_volunteer, "wang@example.org")
    apply_and_accept(app, world, position)
    now = utcnow()
    with app.app_context():
        [delivery_id] = due_ids(now, 10)
    import threading
    results = []

    def sender():
        with app.app_context():
            results.append(notifications.deliver(delivery_id, now=now))
            db.session.remove()
    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == sorted([DeliveryState.SENT, None], key=str)
    assert len(smtp.received) == 1


def test_a_claim_left_by_a_dead_sender_is_taken_again_later(app, world, position, smtp, mailbox):
    mailbox(world.a_volunteer, "wang@example.org")
    apply_and_accept(app, world, position)
    now = utcnow()
    with app.app_context():
        delivery = db.session.scalar(sa.select(Delivery))
        delivery.state, delivery.claimed_at = DeliveryState.SENDING, now  # a sender died mid-way
        db.session.commit()
    assert send(app, now + timedelta(minutes=5))[DeliveryState.SENT] == 0  # it may still be sending
    assert send(app, now + timedelta(minutes=11))[DeliveryState.SENT] == 1
    assert len(smtp.received) == 1


def test_the_periodic_command_sends_what_is_due(app, world, position, smtp, mailbox):
    mailbox(world.a_volunteer, "wang@example.org")
    apply_and_accept(app, world, position)
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 0 and "delivered: 1" in result.output
    assert len(smtp.received) == 1


def test_a_committed_change_is_sent_in_the_background(app, world, position, smtp, mailbox, monkeypatch):
    import time
    monkeypatch.setitem(app.config, "NOTIFY_IN_BACKGROUND", True)
    mailbox(world.a_volunteer, "wang@example.org")
    apply_and_accept(app, world, position)
    for _tick in range(100):
        if smtp.received:
            break
        time.sleep(0.05)
    assert len(smtp.received) == 1
