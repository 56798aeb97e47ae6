"""Issuing a certificate: the PDF read back, its QR code decoded, verification, revocation,
seals, volunteers' requests, and who may do what."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest
import sqlalchemy as sa
from PIL import Image

from tests.checkin.fixtures import local
from tests.conftest import csrf_from, require_tool
from tests.ledger.test_decisions import decide, served  # noqa: F401 (served is a fixture)
from volunteer.accounts.models import User, Volunteer
from volunteer.certificates import services as certificates
from volunteer.certificates.models import Certificate, CertificatePdf
from volunteer.core.errors import DomainError
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.ledger import services as ledger
from volunteer.ledger.models import LedgerEntry
from volunteer.organisations.services import get_by_code

BASE = "http://localhost/"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def seal_png(size=300, alpha=True, extra=b"") -> bytes:
    image = Image.new("RGBA" if alpha else "RGB", (size, size), (0, 0, 0, 0) if alpha else (255, 255, 255))
    for x in range(size):
        for y in range(size):
            if (x - size / 2) ** 2 + (y - size / 2) ** 2 < (size / 2.2) ** 2:
                image.putpixel((x, y), (200, 20, 20, 230) if alpha else (200, 20, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue() + extra


@pytest.fixture
def hours(app, world, site, served):  # noqa: F811
    """王小明 has 2 h 30 and 1 h approved on 社区助老服务; the ids of the two entries."""
    first, second = served(), served(start=(14, 0), end=(15, 0))
    decide(app, site.lead, first)
    decide(app, site.lead, second)
    with app.app_context():
        return db.session.scalars(sa.select(LedgerEntry.id).order_by(LedgerEntry.id)).all()


def issue(app, person, volunteer_id, **options):
    """Issue as ``person``; the certificate's serial, or the error code."""
    with app.app_context(), app.test_request_context("/"):
        try:
            certificate = certificates.issue_certificate(
                db.session.get(User, getattr(person, "user_id", None) or person.id),
                db.session.get(Volunteer, volunteer_id), base_url=BASE, now=local(20), **options)
        except DomainError as exc:
            db.session.rollback()
            return exc.code
        db.session.commit()
        return certificate.serial


def the_pdf(app, serial) -> bytes:
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.serial == serial))
        return db.session.get(CertificatePdf, certificate.id).pdf


@pytest.fixture
def with_seal(app, world):
    with app.app_context():
        certificates.set_seal(db.session.get(User, world.a_admin.id), get_by_code("LX-A"), seal_png(), "张书记", now=utcnow())
        db.session.commit()


def test_the_pdf_states_what_it_certifies_in_chinese_with_the_font_embedded(app, world, hours, with_seal):
    from pypdf import PdfReader
    serial = issue(app, world.a_admin, world.a_volunteer.id)
    assert serial.startswith("LX-A-2027-")
    data = the_pdf(app, serial)
    page = PdfReader(io.BytesIO(data)).pages[0]
    text = page.extract_text()
    masked = world.a_volunteer.id_number[:6] + "********" + world.a_volunteer.id_number[-4:]
    for expected in ("志愿服务记录证明", "王小明", masked, world.a_volunteer.volunteer_no, "3.5", serial,
                     "甲镇团委", "张书记", "甲镇管理员", "社区助老服务", "2027年03月15日"):
        assert expected in text, expected
    assert world.a_volunteer.id_number not in text and world.a_volunteer.id_number.encode() not in data
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    assert fonts and all(f["/Subtype"] == "/TrueType" and "/FontFile2" in f["/FontDescriptor"].get_object()
                         for f in fonts)  # every font embedded (a subset: "AAAAAA+…")
    assert "/XObject" in page["/Resources"]  # the seal image
    assert len(data) < 200_000
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.serial == serial))
        import hashlib
        assert certificate.pdf_sha256 == hashlib.sha256(data).hexdigest()
        assert certificate.minutes == 210 and len(certificate.snapshot["entries"]) == 2


def test_the_qr_code_decodes_to_the_verification_page_which_answers_valid(app, client, world, hours, tmp_path):
    require_tool(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils)")
    import zxingcpp
    serial = issue(app, world.a_admin, world.a_volunteer.id)
    (tmp_path / "c.pdf").write_bytes(the_pdf(app, serial))
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "c.pdf"), str(tmp_path / "c")],
                   check=True)
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "c.png"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1
    url = found[0].text
    assert url.startswith(f"{BASE}verify/{serial}?c=")
    page = client.get(url.removeprefix(BASE.rstrip("/")))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-valid="true"' in html and "王**" in html and "3.5" in html
    assert world.a_volunteer.id_number not in html and world.a_volunteer.volunteer_no not in html
    code = url.split("c=")[1]
    answer = client.get(f"/api/v1/verify/{serial}?code={code}").json
    assert answer == {"valid": True, "status": "valid", "kind": "service_record", "name_masked": "王**", "hours": 3.5, "issuer": "甲镇团委",
                      "issued_at": "2027-03-15"}  # nothing more than API.md lists


def test_a_tampered_serial_or_code_verifies_invalid_and_reveals_nothing(app, client, world, hours):
    serial = issue(app, world.a_admin, world.a_volunteer.id)
    with app.app_context():
        code = db.session.scalar(sa.select(Certificate.verification_code).where(Certificate.serial == serial))
    other_serial = serial[:-1] + ("2" if serial[-1] != "2" else "3")
    wrong_code = ("A" if code[0] != "A" else "B") + code[1:]
    for path in (f"/api/v1/verify/{serial}?code={wrong_code}", f"/api/v1/verify/{other_serial}?code={code}",
                 f"/api/v1/verify/{serial}"):
        assert client.get(path).json == {"valid": False}, path
    html = client.get(f"/verify/{serial}?c={wrong_code}").get_data(as_text=True)
    assert 'data-valid="false"' in html and "王" not in html and "3.5" not in html
    assert client.get(f"/api/v1/verify/{serial}?code={code.lower()}").json["valid"] is True  # typed by hand


def test_no_approved_hours_no_certificate(app, client, world, site, served, api_token):  # noqa: F811
    served()  # pending only
    assert issue(app, world.a_admin, world.a_volunteer.id) == "no_approved_hours"
    response = client.post("/api/v1/certificates", json={"volunteer_id": world.a_volunteer.id},
                           headers=bearer(api_token(world.a_admin)))
    assert response.status_code == 409 and response.json["error"]["code"] == "no_approved_hours"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0


@pytest.mark.parametrize("who, outcome", [("a_admin", "ok"), ("city_admin", "ok"), ("b_admin", "not_found"),
                                          ("a_manager", "forbidden"), ("a_volunteer", "not_found")])
def test_who_issues(app, world, hours, who, outcome):
    result = issue(app, getattr(world, who), world.a_volunteer.id)
    if outcome == "ok":  # a serial of the admin's own organisation
        assert result.startswith("LX-A-2027-" if who == "a_admin" else "LX-2027-")
    else:
        assert result == outcome


def test_a_period_or_a_project_narrows_the_hours(app, world, site, served, add_project):  # noqa: F811
    from datetime import date
    decide(app, site.lead, served(day=date(2027, 3, 15)))
    decide(app, site.lead, served(day=date(2027, 3, 16)))
    march_16 = issue(app, world.a_admin, world.a_volunteer.id, period_from=date(2027, 3, 16),
                     period_to=date(2027, 3, 16))
    with app.app_context():
        assert db.session.scalar(sa.select(Certificate.minutes).where(Certificate.serial == march_16)) == 150
    assert issue(app, world.a_admin, world.a_volunteer.id, period_from=date(2027, 4, 1)) == "no_approved_hours"
    assert issue(app, world.a_admin, world.a_volunteer.id, period_from=date(2027, 3, 16),
                 period_to=date(2027, 3, 15)) == "validation_failed"


def test_a_correction_flags_the_certificate_which_is_revoked_and_reissued(app, client, world, hours, signed_in):
    serial = issue(app, world.a_admin, world.a_volunteer.id)
    with app.app_context():
        entry = db.session.get(LedgerEntry, hours[0])
        ledger.correct(db.session.get(User, world.a_manager.id), entry, 120, "核减半小时", now=local(21))
        db.session.commit()
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.serial == serial))
        assert certificate.needs_review and certificate.status == "valid"
        code = certificate.verification_code
    admin = signed_in(world.a_admin)
    page = admin.get("/certificates/").get_data(as_text=True)
    assert 'data-testid="needs-review"' in page
    refused = admin.client.post(f"/certificates/{serial}/revoke", data={"csrf_token": csrf_from(page), "reason": ""},
                                follow_redirects=True)
    assert "请说明撤销证明的理由" in refused.get_data(as_text=True)
    revoked = admin.client.post(f"/certificates/{serial}/revoke",
                                data={"csrf_token": csrf_from(page), "reason": "时长已更正"}, follow_redirects=True)
    assert "已撤销" in revoked.get_data(as_text=True)
    answer = client.get(f"/api/v1/verify/{serial}?code={code}").json
    assert (answer["valid"], answer["status"]) == (False, "revoked")
    assert "该证明已撤销" in client.get(f"/verify/{serial}?c={code}").get_data(as_text=True)
    again = admin.client.post(f"/certificates/{serial}/reissue", data={"csrf_token": csrf_from(page)},
                              follow_redirects=True)
    assert "已出具" in again.get_data(as_text=True)
    with app.app_context():
        newest = db.session.scalar(sa.select(Certificate).order_by(Certificate.id.desc()))
        assert newest.serial != serial and newest.minutes == 180 and newest.status == "valid"


def test_seals_are_checked_and_re_encoded(app, world, signed_in):
    admin = signed_in(world.a_admin)

    def upload(data, name="seal.png"):
        page = admin.get("/certificates/seal/LX-A").get_data(as_text=True)
        return admin.client.post("/certificates/seal/LX-A", data={
            "csrf_token": csrf_from(page), "person_in_charge": "张书记", "seal": (io.BytesIO(data), name)},
            content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)

    jpeg = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 0, 0)).save(jpeg, format="JPEG")
    assert "透明背景的 PNG" in upload(jpeg.getvalue(), "seal.jpg")
    assert "透明背景的 PNG" in upload(seal_png(alpha=False))
    assert "像素" in upload(seal_png(size=50))
    assert "1 MB" in upload(seal_png() + b"\0" * (1024 * 1024))
    assert "透明背景的 PNG" in upload(b"\x89PNG\r\n\x1a\n" + b"not really")
    with app.app_context():
        from volunteer.certificates.models import Seal
        assert db.session.get(Seal, get_by_code("LX-A").id) is None  # nothing stored by a refusal
    saved = upload(seal_png(extra=b"<script>alert(1)</script>"))
    assert 'data-testid="seal-image"' in saved
    image = admin.client.get("/certificates/seal/LX-A.png")
    assert image.mimetype == "image/png" and b"<script>" not in image.data  # our own PNG, not the upload
    assert Image.open(io.BytesIO(image.data)).mode == "RGBA"
    assert signed_in(world.b_admin).get("/certificates/seal/LX-A.png").status_code == 404
    assert signed_in(world.a_manager).get("/certificates/seal/LX-A").status_code == 403


def test_a_volunteer_requests_an_admin_issues_the_volunteer_downloads(app, client, world, hours, signed_in,
                                                                     api_token):
    volunteer = signed_in(world.a_volunteer)
    page = volunteer.get("/certificates/mine").get_data(as_text=True)
    assert "还没有证明" in page
    sent = volunteer.client.post("/certificates/request", data={"csrf_token": csrf_from(page), "note": "评优使用"},
                                 follow_redirects=True).get_data(as_text=True)
    assert "申请已提交" in sent
    twice = volunteer.client.post("/certificates/request", data={"csrf_token": csrf_from(page)},
                                  follow_redirects=True).get_data(as_text=True)
    assert "已有一份申请正在等待" in twice
    assert 'data-testid="pending-requests"' not in signed_in(world.b_admin).get("/certificates/").get_data(as_text=True)
    admin = signed_in(world.a_admin)
    register = admin.get("/certificates/").get_data(as_text=True)
    assert 'data-testid="pending-requests"' in register and "评优使用" in register
    with app.app_context():
        from volunteer.certificates.models import CertificateRequest
        request_id = db.session.scalar(sa.select(CertificateRequest.id))
    admin.client.post(f"/certificates/requests/{request_id}", data={"csrf_token": csrf_from(register),
                                                                   "decision": "issue"})
    mine = volunteer.get("/certificates/mine").get_data(as_text=True)
    assert 'data-testid="download"' in mine
    with app.app_context():
        serial = db.session.scalar(sa.select(Certificate.serial))
    download = volunteer.client.get(f"/certificates/{serial}.pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert signed_in(world.b_volunteer).client.get(f"/certificates/{serial}.pdf").status_code == 404
    assert signed_in(world.b_admin).client.get(f"/certificates/{serial}.pdf").status_code == 404
    listed = client.get("/api/v1/me/certificates", headers=bearer(api_token(world.a_volunteer))).json
    assert [c["serial"] for c in listed["items"]] == [serial] and listed["items"][0]["hours"] == 3.5
    pdf = client.get(f"/api/v1/certificates/{serial}/pdf", headers=bearer(api_token(world.a_volunteer)))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_the_api_issues_and_revokes(app, client, world, hours, api_token):
    admin = bearer(api_token(world.a_admin))
    created = client.post("/api/v1/certificates", json={"volunteer_id": world.a_volunteer.id}, headers=admin)
    assert created.status_code == 201 and created.json["hours"] == 3.5 and created.json["status"] == "valid"
    serial = created.json["serial"]
    assert "/verify/" + serial in created.json["verify_url"]
    assert client.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "x"},
                       headers=bearer(api_token(world.a_volunteer))).status_code == 403
    assert client.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "x"},
                       headers=bearer(api_token(world.b_admin))).status_code == 404
    revoked = client.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "出具有误"}, headers=admin)
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    again = client.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "出具有误"}, headers=admin)
    assert again.status_code == 409


def test_verification_is_rate_limited(app, client, world):
    app.config["VERIFY_RATE_LIMIT"] = "5 per minute"
    try:
        answers = [client.get("/api/v1/verify/LX-A-2027-000001?code=AAAA").status_code for _ in range(7)]
        assert answers[:5] == [200] * 5 and answers[5:] == [429, 429]
        assert client.get("/verify/LX-A-2027-000001?c=AAAA").status_code == 429  # the page shares the count
    finally:
        app.config["VERIFY_RATE_LIMIT"] = "30 per minute"


def test_an_organisation_changes_the_wording_without_code(app, world, hours, tmp_path):
    import json

    from pypdf import PdfReader

    from volunteer.certificates import pdf as certificate_pdf
    layout = tmp_path / "layout.json"
    layout.write_text(json.dumps({"title": {"text": "青年志愿服务时长证明", "x": 105, "y": 40, "size": 22,
                                            "align": "center"}}, ensure_ascii=False), encoding="utf-8")
    app.config["CERTIFICATE_LAYOUT_PATH"] = str(layout)
    try:
        serial = issue(app, world.a_admin, world.a_volunteer.id)
    finally:
        app.config["CERTIFICATE_LAYOUT_PATH"] = None
        certificate_pdf._layout.cache_clear()
    text = PdfReader(io.BytesIO(the_pdf(app, serial))).pages[0].extract_text()
    assert "青年志愿服务时长证明" in text and "王小明" in text and "志愿服务记录证明" not in text


@pytest.mark.parametrize("who, status, sees", [("a_admin", 200, True), ("city_admin", 200, True),
                                               ("b_admin", 200, False), ("a_manager", 403, False),
                                               ("a_volunteer", 403, False)])
def test_the_register_shows_each_admin_their_scope(app, world, hours, signed_in, who, status, sees):
    serial = issue(app, world.a_admin, world.a_volunteer.id)
    person = signed_in(getattr(world, who))
    page = person.get("/certificates/")
    assert page.status_code == status
    assert (serial in page.get_data(as_text=True)) is sees
    batches = person.get("/certificates/batches")
    assert batches.status_code == status
    nav = person.get("/").get_data(as_text=True)
    assert ('href="/certificates/"' in nav) is (status == 200)


def test_certificate_pages_for_those_without_a_certificate(world, signed_in, client):
    assert signed_in(world.a_manager).get("/certificates/mine").status_code == 302  # no volunteer profile
    assert client.get("/certificates/mine").status_code == 302  # sign in first
    assert client.get("/verify").status_code == 200
    assert 'data-valid="false"' in client.get("/verify?serial=NOPE&code=X").get_data(as_text=True)


def test_odd_codes_answer_invalid_like_an_unknown_serial(app, client, world, hours):
    serial = issue(app, world.a_admin, world.a_volunteer.id)
    for code in ("%C3%A9", "A" * 300, "é" * 16, "ABCDEFGHIJKLMNO1"):
        assert client.get(f"/api/v1/verify/{serial}?code={code}").json == {"valid": False}, code
        assert client.get(f"/verify/{serial}?c={code}").status_code == 200
    # a control character is refused at the door, as in every request (it says nothing of certificates)
    assert client.get(f"/api/v1/verify/{serial}?code=%00").status_code == 422
    assert client.get(f"/verify/{serial}?c=%00").status_code == 422
    assert client.get("/api/v1/verify/" + "X" * 300 + "?code=AAAA").json == {"valid": False}


def test_the_code_is_printed_and_typed_in_with_the_serial_it_verifies(app, client, world, hours):
    from pypdf import PdfReader
    serial = issue(app, world.a_admin, world.a_volunteer.id)
    text = PdfReader(io.BytesIO(the_pdf(app, serial))).pages[0].extract_text()
    with app.app_context():
        code = db.session.scalar(sa.select(Certificate.verification_code).where(Certificate.serial == serial))
    printed = " ".join(code[i:i + 4] for i in range(0, 16, 4))
    assert f"核验码：{printed}" in text
    page = client.get("/verify", query_string={"serial": serial, "code": printed.lower()}).get_data(as_text=True)
    assert 'data-valid="true"' in page


def test_a_volunteer_requests_a_certificate_of_one_project(app, world, site, served, add_project,  # noqa: F811
                                                          signed_in):
    decide(app, site.lead, served())
    volunteer = signed_in(world.a_volunteer)
    page = volunteer.get("/certificates/mine").get_data(as_text=True)
    assert f'<option value="{site.project_id}">社区助老服务</option>' in page
    sent = volunteer.client.post("/certificates/request", data={"csrf_token": csrf_from(page),
                                                                 "project_id": str(site.project_id)},
                                 follow_redirects=True).get_data(as_text=True)
    assert "申请已提交" in sent
    with app.app_context():
        from volunteer.certificates.models import CertificateRequest
        assert db.session.scalar(sa.select(CertificateRequest.project_id)) == site.project_id


def test_only_a_revoked_certificate_is_issued_again(app, world, hours, signed_in):
    serial = issue(app, world.a_admin, world.a_volunteer.id)
    admin = signed_in(world.a_admin)
    page = admin.get("/certificates/").get_data(as_text=True)
    again = admin.client.post(f"/certificates/{serial}/reissue", data={"csrf_token": csrf_from(page)},
                              follow_redirects=True).get_data(as_text=True)
    assert "请先撤销该证明" in again
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1


def test_only_certificates_that_counted_the_corrected_entry_are_flagged(app, world, site, served):  # noqa: F811
    from datetime import date
    first = served(day=date(2027, 3, 15))
    decide(app, site.lead, first)
    march = issue(app, world.a_admin, world.a_volunteer.id)  # counts the 15th only
    later = served(day=date(2027, 3, 16))
    decide(app, site.lead, later)
    with app.app_context():
        entry = db.session.scalar(sa.select(LedgerEntry).where(LedgerEntry.served_on == date(2027, 3, 16)))
        ledger.correct(db.session.get(User, world.a_manager.id), entry, 120, "核减", now=local(21))
        db.session.commit()
        assert db.session.scalar(sa.select(Certificate.needs_review).where(Certificate.serial == march)) is False
        first_entry = db.session.scalar(sa.select(LedgerEntry).where(LedgerEntry.served_on == date(2027, 3, 15)))
        ledger.correct(db.session.get(User, world.a_manager.id), first_entry, 120, "核减", now=local(21))
        db.session.commit()
        assert db.session.scalar(sa.select(Certificate.needs_review).where(Certificate.serial == march)) is True


def test_a_long_organisation_code_makes_a_serial_that_fits_and_verifies(app, client, world, hours):
    with app.app_context():
        from volunteer.organisations.models import Organisation
        town = db.session.scalar(sa.select(Organisation).where(Organisation.code == "LX-A"))
        long_code = "LX-A" + "B" * 28  # 32 characters, the longest a code may be
        db.session.execute(sa.update(Organisation).where(Organisation.id == town.id).values(code=long_code))
        db.session.commit()
    serial = issue(app, world.a_admin, world.a_volunteer.id)
    assert len(serial) == 44
    with app.app_context():
        code = db.session.scalar(sa.select(Certificate.verification_code).where(Certificate.serial == serial))
    assert client.get(f"/api/v1/verify/{serial}?code={code}").json["valid"] is True


def test_an_admin_issues_by_volunteer_number_on_the_web(app, world, hours, signed_in):
    def issue_by(person, number):
        admin = signed_in(person)
        page = admin.get("/certificates/").get_data(as_text=True)
        return admin.client.post("/certificates/issue", data={
            "csrf_token": csrf_from(page), "volunteer_no": number}, follow_redirects=True).get_data(as_text=True)

    assert "没有该编号的志愿者" in issue_by(world.a_admin, "LX-A-1-999999")
    assert "没有该编号的志愿者" in issue_by(world.b_admin, world.a_volunteer.volunteer_no)  # another town: same answer
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0
    done = issue_by(world.a_admin, world.a_volunteer.volunteer_no.lower())
    assert "已出具" in done and 'data-testid="register-row"' in done
