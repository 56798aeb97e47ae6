"""Finding a volunteer to certify by name or number (never another town's), the register searched
by serial, name or number with its pages kept, and the certificate pages' words."""
from __future__ import annotations

import html
import re

import sqlalchemy as sa

from tests.certificates.test_certificates import hours, issue  # noqa: F401 (hours is a fixture)
from tests.conftest import csrf_from
from tests.ledger.test_decisions import served  # noqa: F401 (a fixture)
from volunteer.certificates.models import Certificate
from volunteer.extensions import db
from volunteer.organisations.services import get_by_code


def rows(page: str) -> list[str]:
    return re.findall(r'data-testid="register-row" data-serial="([^"]+)"', page)


def next_page(page: str) -> str:
    """The pager's link to the next page, as the browser follows it."""
    links = re.findall(r'<nav class="pager"[^>]*>.*?</nav>', page, re.S)
    assert links, "no pager on the page"
    return html.unescape(re.findall(r'href="([^"]+)"', links[0])[-1])


def fill_register(app, volunteer_id, count, *, code="LX-A", prefix="LX-A-2027-1") -> list[str]:
    """``count`` certificates in the register (rows as issued; their PDFs play no part here)."""
    with app.app_context():
        organisation = get_by_code(code)
        serials = [f"{prefix}{i:05d}" for i in range(count)]
        db.session.add_all(Certificate(serial=serial, organisation_id=organisation.id, volunteer_id=volunteer_id,
                                       minutes=60, snapshot={"date": "2027-03-15"}, verification_code="X",
                                       pdf_sha256="0" * 64) for serial in serials)
        db.session.commit()
        return serials


def test_an_admin_finds_the_volunteer_by_name_picks_them_and_issues(app, world, hours, signed_in):  # noqa: F811
    admin = signed_in(world.a_admin)
    found = admin.get("/certificates/", query_string={"who": "小明"}).get_data(as_text=True)
    assert 'data-testid="issuing" open' in found  # the issue form is open on the search's answer
    assert "王小明" in found and world.a_volunteer.volunteer_no in found and "甲村团支部" in found
    # the one match is already picked: the admin only presses 出具
    assert re.search(rf'name="volunteer_no" value="{world.a_volunteer.volunteer_no}" required checked', found)
    done = admin.client.post("/certificates/issue", data={
        "csrf_token": csrf_from(found), "who": "小明", "volunteer_no": world.a_volunteer.volunteer_no},
        follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        serial = db.session.scalar(sa.select(Certificate.serial))
    assert f"证明 {serial} 已出具" in done and rows(done) == [serial]  # the register shows the new one
    by_number = admin.get("/certificates/", query_string={"who": world.a_volunteer.volunteer_no.lower()})
    assert "王小明" in by_number.get_data(as_text=True)


def test_another_towns_volunteers_are_never_found(app, world, hours, signed_in):  # noqa: F811
    other = signed_in(world.b_admin)
    for who in ("王小明", "小明", world.a_volunteer.volunteer_no):
        page = other.get("/certificates/", query_string={"who": who}).get_data(as_text=True)
        assert 'data-testid="candidates"' not in page and 'name="volunteer_no"' not in page, who
        assert f"您管理的组织中没有与“{who}”相符的志愿者。" in page
    assert "王小明" in signed_in(world.city_admin).get("/certificates/", query_string={"who": "王"}).get_data(
        as_text=True)  # the city's admin reaches both towns
    both = signed_in(world.city_admin).get("/certificates/", query_string={"who": "小"}).get_data(as_text=True)
    assert "王小明" in both and "李小红" in both and 'checked' not in both  # two matches: the admin picks


def test_a_refusal_brings_the_admin_back_to_the_volunteers_found(app, world, served, signed_in):  # noqa: F811
    served()  # pending only: nothing to certify yet
    admin = signed_in(world.a_admin)
    page = admin.get("/certificates/", query_string={"who": "王"}).get_data(as_text=True)
    refused = admin.client.post("/certificates/issue", data={
        "csrf_token": csrf_from(page), "who": "王", "volunteer_no": world.a_volunteer.volunteer_no},
        follow_redirects=True).get_data(as_text=True)
    assert "没有经审核的服务时长" in refused and 'data-testid="candidates"' in refused and "王小明" in refused


def test_many_namesakes_are_shown_twenty_at_a_time_with_a_word_to_narrow(app, world, factory, signed_in):
    for i in range(21):
        factory.volunteer("LX-A-1", name="陈" + "春夏秋冬"[i % 4] + "梅兰竹菊松柏"[i // 4])
    page = signed_in(world.a_admin).get("/certificates/", query_string={"who": "陈"}).get_data(as_text=True)
    assert page.count('name="volunteer_no"') == 20 and "仅显示前 20 名" in page


def test_the_register_is_searched_by_serial_name_or_number_and_keeps_its_pages(app, world, factory, signed_in):
    other = factory.volunteer("LX-A-1", name="赵大勇")
    mine = fill_register(app, world.a_volunteer.id, 32)
    theirs = fill_register(app, other.id, 2, prefix="LX-A-2027-2")
    fill_register(app, world.b_volunteer.id, 1, code="LX-B", prefix="LX-B-2027-")
    admin = signed_in(world.a_admin)
    first = admin.get("/certificates/", query_string={"q": "王小明"}).get_data(as_text=True)
    assert len(rows(first)) == 30 and set(rows(first)) <= set(mine)
    assert "与“王小明”相符的证明：32 份" in first and 'value="王小明"' in first
    second = admin.get(next_page(first)).get_data(as_text=True)
    assert set(rows(first)) | set(rows(second)) == set(mine)  # page 2 is still the search's
    assert rows(admin.get("/certificates/", query_string={"q": other.volunteer_no}).get_data(as_text=True)) \
        == sorted(theirs, reverse=True)
    assert rows(admin.get("/certificates/", query_string={"q": "2027-200001"}).get_data(as_text=True)) == [theirs[1]]
    nothing = admin.get("/certificates/", query_string={"q": "LX-B-2027"}).get_data(as_text=True)
    assert rows(nothing) == [] and "没有与“LX-B-2027”相符的证明。" in nothing  # another town's: not in the register
    everything = admin.get("/certificates/").get_data(as_text=True)
    assert "相符的证明" not in everything and len(rows(everything)) == 30


def test_certificate_pages_say_what_they_mean(app, client, world, hours, signed_in):  # noqa: F811
    volunteer = signed_in(world.a_volunteer)
    mine = volunteer.get("/certificates/mine").get_data(as_text=True)
    assert "起始日期（选填）" in mine and "截止日期（选填）" in mine and "来源" not in mine
    volunteer.client.post("/certificates/request", data={"csrf_token": csrf_from(mine)})
    admin = signed_in(world.a_admin)
    register = admin.get("/certificates/").get_data(as_text=True)
    assert "<h2 id=\"register\">证明登记簿</h2>" in register and ">注册<" not in register
    assert ">不予出具</button>" in register and "不录用" not in register and ">出具证明</button>" in register
    with app.app_context():
        from volunteer.certificates.models import CertificateRequest
        request_id = db.session.scalar(sa.select(CertificateRequest.id))
    admin.client.post(f"/certificates/requests/{request_id}", data={
        "csrf_token": csrf_from(register), "decision": "decline", "reason": "请按项目分别申请"})
    assert "不予出具：请按项目分别申请" in volunteer.get("/certificates/mine").get_data(as_text=True)
    serial = issue(app, world.a_admin, world.a_volunteer.id)
    with app.app_context():
        code = db.session.scalar(sa.select(Certificate.verification_code).where(Certificate.serial == serial))
    verified = client.get(f"/verify/{serial}?c={code}").get_data(as_text=True)
    assert "<dd>3.5 小时</dd>" in verified and "<dt>姓名</dt>" in verified
