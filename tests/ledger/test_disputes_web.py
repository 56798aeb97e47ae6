"""The volunteer's own hours page, disputes, and their answers."""
from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import csrf_from
from tests.ledger.test_decisions import decide, served  # noqa: F401 (served is a fixture)
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.ledger.models import Dispute, LedgerEntry


def only_entry(app):
    with app.app_context():
        return db.session.scalar(sa.select(LedgerEntry).order_by(LedgerEntry.id))


def post(person, url, data, page="/ledger/mine"):
    token = csrf_from(person.get(page).get_data(as_text=True))
    return person.client.post(url, data={"csrf_token": token, **data}, follow_redirects=True)


def test_my_hours_show_totals_entries_and_stars(app, world, site, served, signed_in):  # noqa: F811
    session_id = served()
    decide(app, site.lead, session_id)
    page = signed_in(world.a_volunteer).get("/ledger/mine")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-testid="approved-hours">2.5 小时<' in html and 'data-testid="pending-hours">0.0 小时<' in html
    assert "距下一星级还差 97.5 小时" in html  # the first star at 100 hours
    assert "社区助老服务" in html and "2027" in html and "已通过" in html
    home = signed_in(world.a_volunteer).get("/").get_data(as_text=True)
    assert ">2.5 小时</a>" in home and "距下一星级还差 97.5 小时" in home


def test_a_dispute_goes_to_the_queue_staff_correct_and_the_volunteer_sees_it(app, world, site, served,  # noqa: F811
                                                                              signed_in):
    decide(app, site.lead, served(), minutes=90, reason="午休 1 小时")  # 2 h 30 recorded
    entry = only_entry(app)
    volunteer = signed_in(world.a_volunteer)
    empty = post(volunteer, f"/ledger/{entry.id}/dispute", {"note": ""})
    assert "请说明这条记录哪里有误" in empty.get_data(as_text=True)
    sent = post(volunteer, f"/ledger/{entry.id}/dispute", {"note": "午休时我在值班,忘记说明"})
    assert "您的说明已提交给站长" in sent.get_data(as_text=True)
    again = post(volunteer, f"/ledger/{entry.id}/dispute", {"note": "再说一次"})
    assert "该记录已提出异议" in again.get_data(as_text=True)

    lead = signed_in(site.lead)
    queue = lead.get("/ledger/queue").get_data(as_text=True)
    assert 'data-testid="disputes"' in queue and "忘记说明" in queue
    assert 'data-testid="correct-dispute"' not in queue  # corrections are the project staff's
    refused = post(lead, f"/ledger/{entry.id}/correct", {"minutes": "150", "reason": "核实"}, page="/ledger/queue")
    assert refused.status_code == 403
    manager = signed_in(world.a_manager)
    assert 'data-testid="correct-dispute"' in manager.get("/ledger/queue").get_data(as_text=True)
    too_much = post(manager, f"/ledger/{entry.id}/correct", {"minutes": "180", "reason": "核实"}, page="/ledger/queue")
    assert "不能超过记录的时长（150 分钟）" in too_much.get_data(as_text=True)
    corrected = post(manager, f"/ledger/{entry.id}/correct", {"minutes": "150", "reason": "核实午休时在岗"},
                     page="/ledger/queue")
    assert "记录已更正" in corrected.get_data(as_text=True)
    mine = volunteer.get("/ledger/mine").get_data(as_text=True)
    assert "已更正" in mine and "核实午休时在岗" in mine and 'data-testid="approved-hours">2.5 小时<' in mine
    with app.app_context():
        dispute = db.session.scalar(sa.select(Dispute))
        assert (dispute.state, dispute.resolution, dispute.resolved_by_id) == ("resolved", "corrected",
                                                                             world.a_manager.id)


def test_the_lead_may_keep_an_entry_with_a_reason(app, world, site, served, signed_in):  # noqa: F811
    decide(app, site.lead, served())
    entry = only_entry(app)
    post(signed_in(world.a_volunteer), f"/ledger/{entry.id}/dispute", {"note": "时长不对"})
    lead = signed_in(site.lead)
    with app.app_context():
        dispute_id = db.session.scalar(sa.select(Dispute.id))
    refused = post(lead, f"/ledger/disputes/{dispute_id}/uphold", {"reason": ""}, page="/ledger/queue")
    assert "请说明维持原记录的理由" in refused.get_data(as_text=True)
    kept = post(lead, f"/ledger/disputes/{dispute_id}/uphold", {"reason": "签到记录无误"}, page="/ledger/queue")
    assert "已维持原记录" in kept.get_data(as_text=True)
    mine = signed_in(world.a_volunteer).get("/ledger/mine").get_data(as_text=True)
    assert "维持原记录" in mine and "签到记录无误" in mine


def test_a_pending_entry_disputed_is_answered_by_the_decision(app, world, site, served, signed_in):  # noqa: F811
    session_id = served()
    entry = only_entry(app)
    post(signed_in(world.a_volunteer), f"/ledger/{entry.id}/dispute", {"note": "中途离开了半小时"})
    decide(app, site.lead, session_id, minutes=120, reason="按志愿者说明调整")
    with app.app_context():
        dispute = db.session.scalar(sa.select(Dispute))
        assert (dispute.resolution, dispute.resolution_note) == ("decided", "按志愿者说明调整")


def test_nobody_disputes_someone_elses_entry(app, world, site, served, signed_in):  # noqa: F811
    served()
    entry = only_entry(app)
    response = post(signed_in(world.b_volunteer), f"/ledger/{entry.id}/dispute", {"note": "x"})
    assert response.status_code == 404


def test_a_rejected_entry_can_be_corrected_after_a_dispute(app, world, site, served):  # noqa: F811
    session_id = served()
    decide(app, site.lead, session_id, "reject", reason="未见到本人")
    from volunteer.accounts.models import User
    from volunteer.ledger import services as ledger
    with app.app_context():
        entry = db.session.scalar(sa.select(LedgerEntry))
        ledger.correct(db.session.get(User, world.a_manager.id), entry, 150, "核实确有服务", now=utcnow())
        db.session.commit()
        assert ledger.verify() == []
        assert ledger.totals_of(world.a_volunteer.id)["approved_minutes"] == 150


def test_only_those_over_the_entry_answer_a_dispute(app, world, site, served, signed_in):  # noqa: F811
    decide(app, site.lead, served())
    entry = only_entry(app)
    post(signed_in(world.a_volunteer), f"/ledger/{entry.id}/dispute", {"note": "时长不对"})
    with app.app_context():
        dispute_id = db.session.scalar(sa.select(Dispute.id))
    outsider = signed_in(world.b_admin)
    assert 'data-testid="disputes"' not in outsider.get("/ledger/queue").get_data(as_text=True)
    assert post(outsider, f"/ledger/disputes/{dispute_id}/uphold", {"reason": "无误"},
                page="/ledger/queue").status_code == 404
    assert post(outsider, f"/ledger/{entry.id}/correct", {"minutes": "600", "reason": "改"},
                page="/ledger/queue").status_code == 404
    assert post(signed_in(world.a_volunteer), f"/ledger/disputes/{dispute_id}/uphold", {"reason": "无误"}).status_code \
        in (403, 404)
    with app.app_context():
        dispute = db.session.get(Dispute, dispute_id)
        assert dispute.state == "open"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == 1
    # staff without a volunteer profile have no hours page of their own
    assert signed_in(world.a_manager).get("/ledger/mine").status_code == 302


def test_a_session_the_rule_credits_nothing_says_so_before_anyone_decides(app, world, site, served, signed_in):  # noqa: F811
    served(start=(17, 31), end=(17, 33))
    served(start=(9, 0), end=(10, 0))
    html = signed_in(world.a_volunteer).get("/ledger/mine").get_data(as_text=True)
    assert html.count('data-testid="uncredited"') == 1
    assert "不足 15 分钟，不计时长" in html  # the configured rule's least credited minutes


def test_a_dispute_of_recorded_service_says_it_goes_to_the_projects_staff(app, world, site, signed_in):
    from tests.checkin.fixtures import DAY, local
    from volunteer.accounts.models import User, Volunteer
    from volunteer.ledger import services as ledger
    from volunteer.projects.models import Project
    with app.app_context():
        entry = ledger.record_manual(db.session.get(User, world.a_manager.id), db.session.get(Project, site.project_id),
                                     db.session.get(Volunteer, world.a_volunteer.id),
                                     {"minutes": 60, "served_on": DAY, "reason": "社区活动"}, now=local(20))
        db.session.commit()
        entry_id = entry.id
    volunteer = signed_in(world.a_volunteer)
    page = volunteer.get("/ledger/mine").get_data(as_text=True)
    assert "提交给项目工作人员" in page
    sent = post(volunteer, f"/ledger/{entry_id}/dispute", {"note": "我提前半小时到岗"}).get_data(as_text=True)
    assert "您的说明已提交给项目工作人员" in sent and "等待项目工作人员处理" in sent and "等待站长处理" not in sent
    # It is in the queue of the project's staff, and not in the lead's (who never decides it).
    assert "我提前半小时到岗" in signed_in(world.a_admin).get("/ledger/queue").get_data(as_text=True)
    assert "我提前半小时到岗" not in signed_in(site.lead).get("/ledger/queue").get_data(as_text=True)
