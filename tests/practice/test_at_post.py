"""At the post and after it: a placed student logs the weeks of their post that have begun, with
photos cleaned of their metadata; the unit's contact comments (the log is then fixed) and
evaluates; the league certifies the evaluation as a practice certificate that reads back, whose
QR code verifies it, and that revokes; a job certifies the rest once, however often it runs.
Nobody else writes, reads or certifies any of it."""
from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from tests.certificates.test_certificates import seal_png
from tests.conftest import require_tool
from tests.practice.conftest import NOW, applied, choice_of, move, user_of
from volunteer.certificates import services as certificates
from volunteer.certificates.models import Certificate, CertificatePdf
from volunteer.certificates.vocabulary import CertificateKind
from volunteer.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from volunteer.core.models import Job
from volunteer.extensions import db
from volunteer.notifications.models import Notice
from volunteer.notifications.vocabulary import NoticeKind
from volunteer.organisations.services import get_by_code
from volunteer.practice import services as practice
from volunteer.practice.at_post import LogPhoto, PracticeLog, UnitEvaluation
from volunteer.practice.models import Programme, StudentApplication
from volunteer.practice.vocabulary import PostChoiceState, PracticeRating, ProgrammeState

BASE = "http://localhost/"
AT_POST = NOW + timedelta(days=27)  # the second week of the posts (they start 20 days after NOW)


def place(app, season, *placements):
    """Each (student, post id) applies, then the programme matches and each is offered and accepts."""
    ids = [applied(app, student, season.programme_id, [post_id]) for student, post_id in placements]
    with app.app_context():
        move(season.programme_id, ProgrammeState.MATCHING)
        for application_id, (student, post_id) in zip(ids, placements, strict=True):
            unit = season.town_a if post_id in (season.a1, season.a2) else season.town_b
            practice.unit_decides(user_of(unit), choice_of(application_id, post_id), PostChoiceState.OFFERED, now=NOW)
            practice.accept_offer(user_of(student), choice_of(application_id, post_id), now=NOW)
        db.session.commit()
    return ids


@pytest.fixture
def running(app, world, season):
    """王小明 placed on 甲镇's 政务服务助理, 李四 on 乙镇's 社区服务助理; the practice under way."""
    season.first, season.second = place(app, season, (world.a_volunteer, season.a1), (world.b_volunteer, season.b1))
    with app.app_context():
        move(season.programme_id, ProgrammeState.RUNNING)
    return season


def jpeg_with_location() -> bytes:
    image = Image.new("RGB", (640, 480), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (31.0, 14.0, 0.0)}  # GPS latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def week(app, application_id, weeks_back=0):
    with app.app_context():
        return practice.weeks_to_log(db.session.get(StudentApplication, application_id), AT_POST.date())[weeks_back]


def test_a_student_logs_the_weeks_of_their_post_with_photos_and_a_comment_fixes_the_log(app, world, running):
    this_week, first_week = week(app, running.first), week(app, running.first, 1)
    with app.app_context():
        application = db.session.get(StudentApplication, running.first)
        weeks = practice.weeks_to_log(application, AT_POST.date())
        assert weeks[-1] <= application.placed_post.starts_on < weeks[-1] + timedelta(days=7)
        assert all(w.weekday() == 0 for w in weeks) and weeks == sorted(weeks, reverse=True)
        student = user_of(world.a_volunteer)
        for bad, field in (({"week_of": (this_week + timedelta(days=7)).isoformat(), "log_text": "下周"}, "week_of"),
                           ({"week_of": this_week.isoformat(), "log_text": " "}, "log_text"),
                           ({"week_of": this_week.isoformat(), "log_text": "整理\x00档案"}, "log_text"),
                           ({"week_of": this_week.isoformat(), "log_text": "照片", "photos": [b"not an image"]}, "photos"),
                           ({"week_of": this_week.isoformat(), "log_text": "照片", "photos": [jpeg_with_location()] * 4},
                            "photos")):
            with pytest.raises(ValidationFailed) as refused:
                practice.write_log(student, application, bad, now=AT_POST)
            assert field in refused.value.fields
        with pytest.raises(NotFound):  # another student's application
            practice.write_log(user_of(world.b_volunteer), application, {"week_of": this_week.isoformat(), "log_text": "x"},
                               now=AT_POST)
        log = practice.write_log(student, application, {"week_of": this_week.isoformat(), "log_text": "协助窗口接待群众 40 人次。",
                                                        "photos": [jpeg_with_location()]}, now=AT_POST)
        practice.write_log(student, application, {"week_of": first_week.isoformat(), "log_text": "熟悉岗位。"}, now=AT_POST)
        db.session.commit()
        # changed while nobody commented: the text replaced, a photo added
        practice.write_log(student, application, {"week_of": this_week.isoformat(), "log_text": "协助窗口接待群众 45 人次。",
                                                  "photos": [jpeg_with_location()]}, now=AT_POST)
        db.session.commit()
        log = db.session.get(PracticeLog, log.id)
        assert log.text.endswith("45 人次。") and len(log.photos) == 2
        photo = db.session.get(LogPhoto, log.photos[0].id).jpeg
        with Image.open(io.BytesIO(photo)) as kept:
            assert kept.format == "JPEG" and not kept.getexif()  # no maker, no location
        assert [lg.week_of for lg in practice.logs_of(application)] == [this_week, first_week]
        told = db.session.scalars(sa.select(Notice.kind).where(Notice.user_id == running.town_a.user_id,
                                                               Notice.kind == NoticeKind.LOG_WAITING)).all()
        assert len(told) == 3

        with pytest.raises(NotFound):  # 乙镇's contact does not speak for 甲镇's unit
            practice.comment_on_log(user_of(running.town_b), log, "很好", now=AT_POST)
        with pytest.raises(ValidationFailed):
            practice.comment_on_log(user_of(running.town_a), log, "  ", now=AT_POST)
        read = db.session.get(PracticeLog, log.id).version
        practice.write_log(student, application, {"week_of": this_week.isoformat(), "log_text": "协助窗口接待群众 46 人次。"},
                           now=AT_POST + timedelta(minutes=1))  # changed after the supervisor opened the page
        db.session.commit()
        with pytest.raises(Conflict):
            practice.comment_on_log(user_of(running.town_a), db.session.get(PracticeLog, log.id), "好", read=read,
                                    now=AT_POST)
        db.session.rollback()
        log = db.session.get(PracticeLog, log.id)
        practice.comment_on_log(user_of(running.town_a), log, "工作认真，沟通得体。", read=log.version, now=AT_POST)
        db.session.commit()
        assert db.session.scalar(sa.select(Notice).where(Notice.user_id == world.a_volunteer.user_id,
                                                         Notice.kind == NoticeKind.LOG_COMMENTED)) is not None
        with pytest.raises(Conflict):
            practice.write_log(student, application, {"week_of": this_week.isoformat(), "log_text": "改一下"}, now=AT_POST)
        assert db.session.get(PracticeLog, log.id).text.endswith("46 人次。")


def test_logs_are_read_by_the_student_their_unit_and_the_league_only(app, world, running):
    this_week = week(app, running.first)
    with app.app_context():
        application = db.session.get(StudentApplication, running.first)
        log = practice.write_log(user_of(world.a_volunteer), application, {
            "week_of": this_week.isoformat(), "log_text": "本周整理档案。", "photos": [jpeg_with_location()]},
            now=AT_POST)
        db.session.commit()
        log_id, photo_id = log.id, log.photos[0].id
        for reader in (world.a_volunteer, running.town_a, world.city_admin, world.a_admin):
            assert practice.get_log_for(user_of(reader), log_id).id == log_id
            assert practice.log_photo_for(user_of(reader), photo_id)
        for outsider in (world.b_volunteer, running.town_b, world.b_admin):
            with pytest.raises((NotFound, Forbidden)):
                practice.get_log_for(user_of(outsider), log_id)
            with pytest.raises((NotFound, Forbidden)):
                practice.log_photo_for(user_of(outsider), photo_id)


def test_logs_wait_for_the_practice_to_run_and_for_a_place(app, world, season):
    waiting = applied(app, world.a_volunteer, season.programme_id, [season.a1])
    application_id, = place(app, season, (world.b_volunteer, season.b1))
    this_week = week(app, application_id)
    with app.app_context():
        application = db.session.get(StudentApplication, waiting)
        with pytest.raises(Conflict):  # not placed
            practice.write_log(user_of(world.a_volunteer), application, {"week_of": "", "log_text": "x"}, now=AT_POST)
        application = db.session.get(StudentApplication, application_id)
        with pytest.raises(Conflict):  # placed, but the practice has not started
            practice.write_log(user_of(world.b_volunteer), application, {
                "week_of": this_week.isoformat(), "log_text": "x"}, now=AT_POST)


def evaluate(app, running, application_id, unit, **changes):
    with app.app_context():
        evaluation = practice.evaluate(user_of(unit), db.session.get(StudentApplication, application_id), {
            "rating": PracticeRating.EXCELLENT, "days_present": "18", "comments": "工作认真负责，服务热情。", **changes},
            now=AT_POST)
        db.session.commit()
        return evaluation.application_id


def test_the_unit_evaluates_its_own_students_within_the_days_of_the_post(app, world, running):
    with app.app_context():
        application = db.session.get(StudentApplication, running.first)
        days = application.placed_post.days
        contact = user_of(running.town_a)
        for bad, field in (({"rating": "superb"}, "rating"), ({"days_present": str(days + 1)}, "days_present"),
                           ({"days_present": "-1"}, "days_present"), ({"days_present": "１０"}, "days_present"),
                           ({"comments": ""}, "comments"), ({"comments": "好" * 301}, "comments")):
            with pytest.raises(ValidationFailed) as refused:
                practice.evaluate(contact, application, {"rating": PracticeRating.GOOD, "days_present": "3",
                                                         "comments": "好", **bad}, now=AT_POST)
            assert field in refused.value.fields, bad
        with pytest.raises(NotFound):  # the other town's unit
            practice.evaluate(user_of(running.town_b), application, {"rating": PracticeRating.GOOD, "days_present": "3",
                                                                     "comments": "好"}, now=AT_POST)
        with pytest.raises(NotFound):  # a student
            practice.evaluate(user_of(world.a_volunteer), application, {"rating": PracticeRating.GOOD,
                                                                        "days_present": "3", "comments": "好"}, now=AT_POST)
    evaluate(app, running, running.first, running.town_a, days_present=str(days))
    evaluate(app, running, running.first, running.town_a, rating=PracticeRating.GOOD)  # changed while uncertified
    with app.app_context():
        evaluation = db.session.scalar(sa.select(UnitEvaluation).where(UnitEvaluation.application_id == running.first))
        assert (evaluation.rating, evaluation.days_present) == (PracticeRating.GOOD, 18)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notice).where(
            Notice.user_id == world.a_volunteer.user_id, Notice.kind == NoticeKind.PRACTICE_EVALUATED)) == 2


def pdf_text(tmp_path, data: bytes) -> str:
    require_tool(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    (tmp_path / "p.pdf").write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(tmp_path / "p.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_the_practice_certificate_reads_back_verifies_by_its_qr_code_and_revokes(app, client, world, running,
                                                                                  tmp_path):
    evaluate(app, running, running.first, running.town_a)
    with app.app_context(), app.test_request_context("/"):
        practice.set_unit_seal(user_of(running.town_a), practice.get_unit_for(user_of(running.town_a), running.town_a.id),
                               seal_png(), now=AT_POST)
        certificates.set_seal(user_of(world.city_admin), get_by_code("LX"), seal_png(), "赵书记", now=AT_POST)
        application = db.session.get(StudentApplication, running.first)
        with pytest.raises(Conflict):  # the practice is still under way
            practice.issue_practice_certificate(user_of(world.city_admin), application, base_url=BASE, now=AT_POST)
        move(running.programme_id, ProgrammeState.EVALUATING)
        application = db.session.get(StudentApplication, running.first)
        with pytest.raises(NotFound):  # a town's admin does not run the city's programme
            practice.issue_practice_certificate(user_of(world.a_admin), application, base_url=BASE, now=AT_POST)
        with pytest.raises(Conflict):  # 李四 is not evaluated yet
            practice.issue_practice_certificate(user_of(world.city_admin), db.session.get(StudentApplication, running.second),
                                                base_url=BASE, now=AT_POST)
        made = practice.issue_practice_certificate(user_of(world.city_admin), application, base_url=BASE, now=AT_POST)
        db.session.commit()
        serial, code = made.serial, made.verification_code
        assert made.kind == CertificateKind.PRACTICE and serial.startswith("LX-")
        with pytest.raises(Conflict):  # one valid certificate of an evaluation
            practice.issue_practice_certificate(user_of(world.city_admin), application, base_url=BASE, now=AT_POST)
        with pytest.raises(Conflict):  # certified: the unit may no longer change it
            practice.evaluate(user_of(running.town_a), application, {"rating": PracticeRating.PASS, "days_present": "1",
                                                                     "comments": "改"}, now=AT_POST)
        data = db.session.get(CertificatePdf, made.id).pdf
        told = db.session.scalar(sa.select(Notice).where(Notice.user_id == world.a_volunteer.user_id,
                                                         Notice.kind == NoticeKind.PRACTICE_CERTIFIED))
        assert told.payload["serial"] == serial and told.payload["post"] == "政务服务助理"
        assert db.session.scalar(sa.select(Notice).where(Notice.user_id == world.a_volunteer.user_id,
                                                         Notice.kind == NoticeKind.CERTIFICATE_ISSUED)) is None
    text = "".join(pdf_text(tmp_path, data).split())  # lines wrap anywhere in Chinese
    for expected in ("社会实践证明", "王小明", "华东师范大学", "政务服务助理", "甲镇人民政府", "优秀", "18", serial,
                     "2027年暑期返家乡社会实践", "赵书记"):
        assert expected in text, expected
    import zxingcpp
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "p.pdf"), str(tmp_path / "p")],
                   check=True)
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "p.png"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [f.text for f in found] == [f"{BASE}verify/{serial}?c={code}"]
    if shutil.which("zbarimg"):
        decoded = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "p.png")], capture_output=True, text=True)
        assert decoded.stdout.strip() == f"{BASE}verify/{serial}?c={code}"
    answer = client.get(f"/api/v1/verify/{serial}?code={code}").json
    assert answer["valid"] is True and answer["kind"] == CertificateKind.PRACTICE and answer["name_masked"] == "王**"
    page = client.get(f"/verify/{serial}?c={code}").get_data(as_text=True)
    assert 'data-valid="true"' in page and 'data-testid="verify-kind"' in page

    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.serial == serial))
        certificates.revoke(user_of(world.city_admin), certificate, "评价有误", now=AT_POST)
        db.session.commit()
        with pytest.raises(Conflict):  # issued again from the programme's page, not the register
            certificates.reissue(user_of(world.city_admin), certificate, base_url=BASE, now=AT_POST)
    assert client.get(f"/api/v1/verify/{serial}?code={code}").json["valid"] is False
    evaluate(app, running, running.first, running.town_a, rating=PracticeRating.GOOD)  # open to change again
    with app.app_context():
        again = practice.issue_practice_certificate(user_of(world.city_admin),
                                                    db.session.get(StudentApplication, running.first),
                                                    base_url=BASE, now=AT_POST)
        db.session.commit()
        assert again.serial != serial and again.snapshot["rating"] == "良好"


def test_a_job_certifies_every_evaluated_student_once_however_often_it_runs(app, world, running):
    from volunteer.core import jobs
    evaluate(app, running, running.first, running.town_a)
    evaluate(app, running, running.second, running.town_b, rating=PracticeRating.PASS)
    with app.app_context():
        move(running.programme_id, ProgrammeState.EVALUATING)
        programme = db.session.get(Programme, running.programme_id)
        practice.issue_practice_certificate(user_of(world.city_admin), db.session.get(StudentApplication, running.first),
                                            base_url=BASE, now=AT_POST)  # one by hand first
        db.session.commit()
        assert practice.to_certify(programme) == [running.second]
        with pytest.raises(NotFound):
            practice.start_certifying(user_of(world.b_admin), programme, base_url=BASE, now=AT_POST)
        job = practice.start_certifying(user_of(world.city_admin), programme, base_url=BASE, now=AT_POST)
        db.session.commit()
        job_id = job.id
        jobs.run_job(job_id, now=AT_POST)
        jobs.run_job(job_id, now=AT_POST)  # a second run (a resumed job) finds it done
        job = db.session.get(Job, job_id)
        assert (job.done, job.total) == (1, 1)
        kinds = db.session.execute(sa.select(Certificate.volunteer_id, Certificate.kind)).all()
        assert sorted(kinds) == sorted([(world.a_volunteer.id, CertificateKind.PRACTICE),
                                        (world.b_volunteer.id, CertificateKind.PRACTICE)])
        assert practice.to_certify(programme) == []
        with pytest.raises(Conflict):  # nothing left
            practice.start_certifying(user_of(world.city_admin), programme, base_url=BASE, now=AT_POST)


def test_two_admins_certifying_one_student_at_once_issue_one_certificate(app, world, running):
    import threading

    from volunteer.core.errors import DomainError
    evaluate(app, running, running.first, running.town_a)
    with app.app_context():
        move(running.programme_id, ProgrammeState.EVALUATING)
    answers, gate = [], threading.Barrier(2)

    def certify(person):
        with app.app_context():
            gate.wait()
            try:
                practice.issue_practice_certificate(user_of(person), db.session.get(StudentApplication, running.first),
                                                    base_url=BASE, now=AT_POST)
                db.session.commit()
                answers.append("issued")
            except DomainError as refused:
                db.session.rollback()
                answers.append(refused.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=certify, args=(person,)) for person in (world.city_admin, world.city_admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == ["already_certified", "issued"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1
        evaluation = db.session.scalar(sa.select(UnitEvaluation).where(UnitEvaluation.application_id == running.first))
        assert evaluation.is_certified
