"""The digests and the kinds that came with them: a day's decided hours told by one message in
the evening; a lead's morning notice of overdue entries, once a day; an admin told of a
certificate whose hours were corrected; a text message through Tencent Cloud SMS's template."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.checkin.fixtures import DAY, local
from tests.ledger.test_decisions import decide, entry_of, served  # noqa: F401 (served is a fixture)
from tests.notifications.conftest import body_of
from tests.notifications.test_outbox import apply_and_accept, send
from tests.notifications.test_sms_tencent import APP_ID, SECRET_ID, SECRET_KEY, SIGN, tencent  # noqa: F401
from volunteer.accounts.models import User, Volunteer
from volunteer.core.audit import Event
from volunteer.extensions import db
from volunteer.ledger import services as ledger
from volunteer.ledger.models import LedgerEntry
from volunteer.notifications import services as notifications
from volunteer.notifications.models import Delivery, Notice
from volunteer.notifications.vocabulary import SMS_HOURS_DIGEST, Channel, DeliveryState, NoticeKind

REJECTED = "的服务未通过审核"


def opt_in(app, person, kind, channel):
    with app.app_context():
        notifications.change_settings(db.session.get(User, person.user_id), [(kind, channel, True)], now=local(8))
        db.session.commit()


def kinds_told(app, user_id):
    with app.app_context():
        return db.session.scalars(sa.select(Notice.kind).where(Notice.user_id == user_id).order_by(Notice.id)).all()


def test_a_days_decided_hours_go_out_in_one_evening_message(app, world, site, served, smtp, mailbox):  # noqa: F811
    mailbox(world.a_volunteer, "xiaoming@example.org")
    opt_in(app, world.a_volunteer, NoticeKind.HOURS_APPROVED, Channel.MAIL)
    opt_in(app, world.a_volunteer, NoticeKind.HOURS_REJECTED, Channel.MAIL)
    first, second, third = served(), served(start=(13, 0), end=(14, 0)), served(start=(15, 0), end=(16, 0))
    decide(app, site.lead, first)  # decided at 18:00
    decide(app, site.lead, second)
    decide(app, site.lead, third, "reject", reason="未在岗")
    assert kinds_told(app, world.a_volunteer.user_id).count(NoticeKind.HOURS_APPROVED) == 2  # the inbox at once

    assert send(app, at=local(18, 30))[DeliveryState.SENT] == 0 and smtp.received == []
    send(app, at=local(19, 5))
    [message] = smtp.received
    assert message["Subject"].startswith("您的时长：3 项变动")
    body = body_of(message)
    assert body.count("社区助老服务") == 3 and REJECTED in body
    with app.app_context():
        states = db.session.scalars(sa.select(Delivery.state).where(Delivery.channel == Channel.MAIL)).all()
    assert states == [DeliveryState.SENT] * 3
    send(app, at=local(21))
    assert len(smtp.received) == 1


def test_hours_decided_after_the_evening_hour_wait_for_the_next_evening(app, world, site, served, mailbox):  # noqa: F811
    mailbox(world.a_volunteer, "xiaoming@example.org")
    opt_in(app, world.a_volunteer, NoticeKind.HOURS_APPROVED, Channel.MAIL)
    session_id = served()
    with app.app_context():
        ledger.decide(db.session.get(User, site.lead.user_id), entry_of(session_id), "approve", now=local(20))
        db.session.commit()
        [due] = db.session.scalars(sa.select(Delivery.next_attempt_at)).all()
    assert due == local(19, day=DAY + timedelta(days=1))


def test_a_lead_hears_each_morning_of_entries_past_their_deadline(app, world, site, served):  # noqa: F811
    served()  # pending, served on DAY
    later = DAY + timedelta(days=30)  # well past 10 working days
    with app.app_context():
        assert notifications.tell_leads(now=local(7, 30, day=later)) == 0  # before the morning hour
        assert notifications.tell_leads(now=local(8, 5, day=later)) == 1
        db.session.commit()
        assert notifications.tell_leads(now=local(9, day=later)) == 0  # once a day
        notice = db.session.scalar(sa.select(Notice).where(Notice.kind == NoticeKind.ENTRIES_OVERDUE))
        assert notice.user_id == site.lead.user_id and notice.for_day == later
        assert "1 条记录超过 10 个工作日" in notifications.words_of(notice)[1]
        assert notice.link == "/ledger/queue"
        assert notifications.tell_leads(now=local(8, 5, day=later + timedelta(days=1))) == 1  # the next day again
        db.session.commit()
    assert kinds_told(app, world.a_manager.id) == []  # a manager who leads no station is not a lead
    # the same day's digest twice is refused by the database itself (two runs at once write one)
    with app.app_context(), pytest.raises(sa.exc.IntegrityError):
        db.session.add(Notice(user_id=site.lead.user_id, kind=NoticeKind.ENTRIES_OVERDUE, subject_type="users",
                              subject_id=site.lead.user_id, payload={}, for_day=later, created_at=local(10, day=later)))
        db.session.flush()


def test_no_digest_once_the_entries_are_decided_or_not_yet_overdue(app, world, site, served):  # noqa: F811
    session_id = served()
    with app.app_context():
        assert notifications.tell_leads(now=local(9, day=DAY + timedelta(days=3))) == 0  # still within 10 working days
    decide(app, site.lead, session_id)
    with app.app_context():
        assert notifications.tell_leads(now=local(9, day=DAY + timedelta(days=30))) == 0


def test_an_admin_is_told_when_hours_behind_a_certificate_are_corrected(app, world, site, served, signed_in):  # noqa: F811
    from volunteer.certificates import services as certificates
    decide(app, site.lead, served())
    with app.app_context():
        admin = db.session.get(User, world.a_admin.id)
        certificate = certificates.issue_certificate(admin, db.session.get(Volunteer, world.a_volunteer.id),
                                                     base_url="http://localhost/", now=local(19))
        db.session.commit()
        serial = certificate.serial
        entry = db.session.scalar(sa.select(LedgerEntry).where(LedgerEntry.volunteer_id == world.a_volunteer.id))
        ledger.correct(db.session.get(User, world.a_manager.id), entry, 60, "签退时间有误", now=local(20))
        db.session.commit()
        flagged = db.session.scalars(sa.select(Event).where(Event.action == "certificate.flagged")).all()
        assert [(e.subject_id, e.actor_id) for e in flagged] == [(certificate.id, world.a_manager.id)]
    assert kinds_told(app, world.a_admin.id) == [NoticeKind.CERTIFICATE_FLAGGED]
    assert NoticeKind.CERTIFICATE_FLAGGED not in kinds_told(app, world.b_admin.id)  # another town's admin
    inbox = signed_in(world.a_admin).get("/me/notifications/").get_data(as_text=True)
    assert serial in inbox and "请复核" in inbox


@pytest.fixture
def tencent_sms(app, tencent, monkeypatch):  # noqa: F811
    for key, value in {"SMS_BACKEND": "tencent", "TENCENT_SECRET_ID": SECRET_ID, "TENCENT_SECRET_KEY": SECRET_KEY,
                       "TENCENT_SMS_APP_ID": APP_ID, "TENCENT_SMS_SIGN": SIGN, "TENCENT_SMS_ENDPOINT": tencent.endpoint,
                       "TENCENT_SMS_SCHEME": "http", "SMS_TEMPLATES": {NoticeKind.APPLICATION_ACCEPTED.value: "2001001"}
                       }.items():
        monkeypatch.setitem(app.config, key, value)
    return tencent


def test_a_text_message_goes_as_the_providers_template_with_its_words(app, world, position, tencent_sms):
    opt_in(app, world.a_volunteer, NoticeKind.APPLICATION_ACCEPTED, Channel.SMS)
    apply_and_accept(app, world, position)
    with app.app_context():
        at = db.session.scalar(sa.select(Delivery.next_attempt_at).where(Delivery.channel == Channel.SMS))
    send(app, at=max(at, local(9)))
    [sent] = tencent_sms.requests
    assert sent["body"]["TemplateId"] == "2001001" and sent["body"]["TemplateParamSet"] == ["陪伴老人"]
    assert sent["body"]["SignName"] == SIGN and sent["body"]["PhoneNumberSet"] == ["+86" + world.a_volunteer.phone]
    with app.app_context():
        assert db.session.scalar(sa.select(Delivery.state).where(Delivery.channel == Channel.SMS)) == DeliveryState.SENT


def test_a_kind_without_an_approved_template_writes_no_text_message(app, world, position, tencent_sms):
    opt_in(app, world.a_volunteer, NoticeKind.VOLUNTEER_APPLIED, Channel.SMS)
    opt_in(app, world.a_volunteer, NoticeKind.APPLICATION_DECLINED, Channel.SMS)
    with app.app_context():
        user = db.session.get(User, world.a_volunteer.user_id)
        notice = notifications.write_notice(user.id, NoticeKind.APPLICATION_DECLINED, user, {}, None,
                                            organisation_id=None, now=local(10))
        assert notice.deliveries == []  # no template for it: nothing would ever go


@pytest.mark.parametrize("digest_template", [True, False])
def test_a_days_hours_by_sms_are_one_message_where_the_provider_has_a_digest_template(
        app, world, site, served, tencent_sms, monkeypatch, digest_template):  # noqa: F811
    templates = {NoticeKind.HOURS_APPROVED.value: "2001002"} | ({SMS_HOURS_DIGEST: "2001003"} if digest_template else {})
    monkeypatch.setitem(app.config, "SMS_TEMPLATES", templates)
    opt_in(app, world.a_volunteer, NoticeKind.HOURS_APPROVED, Channel.SMS)
    decide(app, site.lead, served())
    decide(app, site.lead, served(start=(13, 0), end=(14, 0)))
    send(app, at=local(19, 1))
    sent = [(r["body"]["TemplateId"], r["body"]["TemplateParamSet"]) for r in tencent_sms.requests]
    if digest_template:
        assert sent == [("2001003", ["2"])]
    else:
        assert [template for template, _params in sent] == ["2001002", "2001002"]
        assert sorted(params[1] for _template, params in sent) == ["1.0", "2.5"]
