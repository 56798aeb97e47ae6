"""The approval queue page: leads and staff in scope, batch approval, adjust and reject."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_from
from tests.ledger.test_decisions import served  # noqa: F401 (a fixture)
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry


def entries(app):
    with app.app_context():
        return db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.id)).all()


@pytest.mark.parametrize("who, status, shown", [("lead", 200, True), ("a_manager", 200, True),
                                                ("b_admin", 200, False), ("a_volunteer", 403, False)])
def test_queue_per_role(world, site, served, signed_in, who, status, shown):  # noqa: F811
    served()
    served(start=(13, 0), end=(14, 0))  # two entries: two forms of each kind
    person = site.lead if who == "lead" else getattr(world, who)
    page = signed_in(person).get("/ledger/queue")
    assert page.status_code == status
    html = page.get_data(as_text=True)
    assert ("王小明" in html) is shown
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "an id named twice on the page"
    if status == 200 and not shown:
        assert 'data-testid="queue-empty"' in html


def test_batch_approval_skips_what_the_lead_may_not_approve(app, world, site, served, signed_in):  # noqa: F811
    first = served(start=(8, 0), end=(10, 0))
    second = served(person=site.lead, start=(9, 0), end=(10, 30))  # the lead's own hours
    lead = signed_in(site.lead)
    page = lead.get("/ledger/queue").get_data(as_text=True)
    ids = [str(e.id) for e in entries(app)]
    response = lead.client.post("/ledger/queue/approve", data={"csrf_token": csrf_from(page), "entry_ids": ids},
                                follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "1 条记录已通过" in html and "任何人不得审核自己的服务时长" in html
    states = {e.session_id: e.state for e in entries(app)}
    assert (states[first], states[second]) == ("approved", "pending")


def test_adjust_needs_a_reason_and_reject_too(app, world, site, served, signed_in):  # noqa: F811
    served()
    entry_id = entries(app)[0].id
    lead = signed_in(site.lead)
    token = csrf_from(lead.get("/ledger/queue").get_data(as_text=True))
    refused = lead.client.post(f"/ledger/{entry_id}/decide", data={"csrf_token": token, "decision": "approve",
                                                                   "minutes": "100"}, follow_redirects=True)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    # the reason stands beside its entry, which stays open with the minutes as typed
    article = html[html.index(f'id="entry-{entry_id}"'):]
    article = article[:article.index("</article>")]
    assert 'data-testid="entry-error"' in article and "请填写调整时长的原因" in article
    assert "<details open>" in article and 'value="100"' in article
    assert "未保存：王小明" in html  # the message at the top names whose entry it is
    assert entries(app)[0].state == "pending"
    done = lead.client.post(f"/ledger/{entry_id}/decide", data={"csrf_token": token, "decision": "approve",
                                                                "minutes": "100", "reason": "提前离开"})
    assert done.status_code == 302
    entry = entries(app)[0]
    assert (entry.state, entry.minutes, entry.credited_minutes, entry.reason) == ("approved", 100, 90, "提前离开")


def test_deciding_outside_scope_is_not_found(world, site, served, signed_in, app):  # noqa: F811
    served()
    entry_id = entries(app)[0].id
    other = signed_in(world.b_admin)
    token = csrf_from(other.get("/").get_data(as_text=True))
    response = other.client.post(f"/ledger/{entry_id}/decide", data={"csrf_token": token, "decision": "approve"})
    assert response.status_code == 404
