"""Each kind of notice: who is told (and not the actor), on which channels by default."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tests.checkin.fixtures import local
from tests.ledger.test_decisions import decide, entry_of, served  # noqa: F401 (served is a fixture)
from volunteer.accounts.models import User, Volunteer
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.ledger import services as ledger
from volunteer.notifications.models import Notice
from volunteer.notifications.vocabulary import DEFAULT_CHANNELS, Channel, NoticeKind
from volunteer.organisations.services import get_by_code
from volunteer.projects import services as projects


def told(app, kind):
    with app.app_context():
        return sorted(db.session.scalars(sa.select(Notice.user_id).where(Notice.kind == kind)).all())


def test_hours_approved_rejected_and_corrected_tell_the_volunteer(app, world, site, served, signed_in):  # noqa: F811
    first, second = served(), served(start=(13, 0), end=(14, 0))
    decide(app, site.lead, first)
    decide(app, site.lead, second, "reject", reason="未在岗")
    assert told(app, NoticeKind.HOURS_APPROVED) == [world.a_volunteer.user_id]
    assert told(app, NoticeKind.HOURS_REJECTED) == [world.a_volunteer.user_id]
    with app.app_context():
        entry = entry_of(first)
        ledger.correct(db.session.get(User, world.a_manager.id), entry, 120, "核实", now=local(19))
        db.session.commit()
    assert told(app, NoticeKind.HOURS_CORRECTED) == [world.a_volunteer.user_id]
    inbox = signed_in(world.a_volunteer).get("/me/notifications/").get_data(as_text=True)
    assert "社区助老服务" in inbox and "2.5 小时" in inbox and "2.0 小时" in inbox
    assert site.lead.user_id not in told(app, NoticeKind.HOURS_APPROVED)


def test_a_dispute_kept_as_it_was_is_answered_to_the_volunteer(app, world, site, served):  # noqa: F811
    session_id = served()
    decide(app, site.lead, session_id)
    with app.app_context():
        entry = entry_of(session_id)
        dispute = ledger.open_dispute(db.session.get(User, world.a_volunteer.user_id), entry.id, "我提前到岗",
                                      now=local(19))
        db.session.commit()
        ledger.uphold(db.session.get(User, site.lead.user_id), dispute, "已核实签到记录", now=local(20))
        db.session.commit()
    assert told(app, NoticeKind.DISPUTE_ANSWERED) == [world.a_volunteer.user_id]


def test_a_certificate_issued_and_revoked_tells_its_volunteer(app, world, site, served):  # noqa: F811
    decide(app, site.lead, served())
    from volunteer.certificates import services as certificates
    with app.app_context():
        admin = db.session.get(User, world.a_admin.id)
        certificate = certificates.issue_certificate(admin, db.session.get(Volunteer, world.a_volunteer.id),
                                                     base_url="http://localhost/", now=local(20))
        db.session.commit()
        certificates.revoke(admin, certificate, "信息有误", now=local(21))
        db.session.commit()
    assert told(app, NoticeKind.CERTIFICATE_ISSUED) == [world.a_volunteer.user_id]
    assert told(app, NoticeKind.CERTIFICATE_REVOKED) == [world.a_volunteer.user_id]


def test_a_submitted_project_waits_for_the_screeners_and_its_screening_tells_its_manager(app, world):
    with app.app_context():
        manager = db.session.get(User, world.a_manager.id)
        project = projects.create_project(manager, get_by_code("LX-A"), {
            "title": "河道清洁", "category": "environment", "starts_on": date(2027, 1, 1),
            "ends_on": date(2027, 12, 31)}, now=utcnow())
        db.session.commit()
        projects.transition_project(manager, project, "submitted", now=utcnow())
        db.session.commit()
        assert told(app, NoticeKind.PROJECT_WAITING) == [world.a_admin.id]  # 甲镇's admin, not 乙镇's
        projects.transition_project(db.session.get(User, world.a_admin.id), project, "approved", now=utcnow())
        db.session.commit()
    assert told(app, NoticeKind.PROJECT_SCREENED) == [world.a_manager.id]


def test_every_kind_has_its_words_and_the_inbox_by_default():
    from volunteer.notifications.vocabulary import NOTICE_TEXT
    for kind in NoticeKind:
        assert kind in NOTICE_TEXT and Channel.INBOX in DEFAULT_CHANNELS[kind]
    assert DEFAULT_CHANNELS[NoticeKind.CERTIFICATE_ISSUED] == {Channel.INBOX, Channel.MAIL}
    assert DEFAULT_CHANNELS[NoticeKind.HOURS_APPROVED] == {Channel.INBOX}  # many a week: the app only
