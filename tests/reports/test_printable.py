"""The printable period report: started from the dashboard, made in the background, followed on
the jobs' progress page, read back with pdftotext; scoped like the dashboard."""
from __future__ import annotations

import shutil
import subprocess
import time
from datetime import date, datetime, timezone

import sqlalchemy as sa

from tests.conftest import csrf_from, require_tool
from volunteer.core import jobs
from volunteer.core.models import Event, Job
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.reports import printing
from volunteer.reports.models import ReportPdf

PERIOD = {"organisation": "LX", "period": "custom", "from": "2027-03-01", "to": "2027-05-31"}


def _start(browser, **chosen):
    page = browser.get("/reports/", query_string=chosen).get_data(as_text=True)
    return browser.client.post("/reports/print", data={
        "csrf_token": csrf_from(page), "organisation": chosen.get("organisation", ""), "period": chosen["period"],
        "start": chosen["from"], "end": chosen["to"]})


def _settled(browser, job_id) -> dict:
    """The job's status once the in-process worker thread has finished or failed it."""
    for _ in range(200):
        status = browser.get(f"/reports/jobs/{job_id}.json").json
        if status["finished"] or status["failed"]:
            return status
        time.sleep(0.05)
    return status


def _text(pdf: bytes, tmp_path) -> str:
    require_tool(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_report_reads_back_with_its_title_period_and_figures(app, world, served, signed_in, tmp_path):
    with app.app_context():  # a name is text in the PDF, whatever markup it looks like
        db.session.execute(sa.text("UPDATE organisations SET name = '临溪市<b>团委</b> & 青年' WHERE code = 'LX'"))
        db.session.commit()
    admin = signed_in(world.city_admin)
    started = _start(admin, **PERIOD)
    assert started.status_code == 302
    job_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
    progress = admin.get(f"/reports/jobs/{job_id}").get_data(as_text=True)
    assert 'data-testid="job-progress"' in progress
    status = _settled(admin, job_id)
    assert status["finished"] and status["percent"] == 100, status
    pdf = admin.get(f"/reports/jobs/{job_id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = _text(pdf.data, tmp_path)
    assert "临溪市<b>团委</b> & 青年志愿服务工作报告" in text
    assert "2027年3月1日 至 2027年5月31日" in text
    # the headline against the year before: 9.5 h approved (4.5 h the year before)
    dashboard = admin.get("/reports/", query_string=PERIOD).get_data(as_text=True)
    assert 'data-value="9.5"' in dashboard and "9.5" in text and "4.5" in text
    assert "服务人次" in text and "甲镇团委" in text and "乙镇团委" in text and "社区助老服务" in text
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.action == "report.started"))
        assert event is not None and event.actor_id == world.city_admin.id


def test_a_town_with_projects_of_its_own_gets_its_report(app, world, served, signed_in, tmp_path):
    """A town's table has a row for what it holds itself beside its village's (a label the
    charts must take as text too)."""
    admin = signed_in(world.a_admin)
    started = _start(admin, **{**PERIOD, "organisation": "LX-A"})
    job_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
    status = _settled(admin, job_id)
    assert status["finished"], status
    text = _text(admin.get(f"/reports/jobs/{job_id}.pdf").data, tmp_path)
    assert "甲镇团委（本级）" in text and "甲村团支部" in text


def test_only_staff_over_the_organisation_start_or_read_a_report(app, world, served, signed_in):
    started = _start(signed_in(world.a_admin), organisation="LX-A", period="this_year", **{"from": "", "to": ""})
    job_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
    assert signed_in(world.b_admin).get(f"/reports/jobs/{job_id}").status_code == 404
    assert signed_in(world.b_admin).get(f"/reports/jobs/{job_id}.pdf").status_code == 404
    assert signed_in(world.a_volunteer).get(f"/reports/jobs/{job_id}.json").status_code == 404
    refused = _start(signed_in(world.a_admin), **PERIOD)  # the city is above town A
    assert refused.status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 1


def test_a_report_that_failed_resumes_and_keeps_one_pdf(app, world, served, signed_in, monkeypatch):
    from volunteer.reports import pdf as report_pdf
    admin = signed_in(world.city_admin)
    page = admin.get("/reports/").get_data(as_text=True)
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("font missing")
    with app.app_context():
        from datetime import date

        from volunteer.accounts.models import User
        from volunteer.organisations.services import get_by_code
        from volunteer.reports import printing
        from volunteer.reports.figures import Period
        job = printing.start_report(db.session.get(User, world.city_admin.id), get_by_code("LX"),
                                    Period(date(2027, 1, 1), date(2027, 12, 31)), now=utcnow())
        db.session.commit()
        job_id = job.id
        real = report_pdf.render
        monkeypatch.setattr(report_pdf, "render", broken)
        assert jobs.run_job(job_id, now=utcnow()).has_failed
        assert db.session.get(ReportPdf, job_id) is None
        monkeypatch.setattr(report_pdf, "render", real)
    resumed = admin.client.post(f"/reports/jobs/{job_id}/resume", data={"csrf_token": csrf_from(page)})
    assert resumed.status_code == 302
    status = _settled(admin, job_id)
    assert status["finished"], status
    with app.app_context():
        assert jobs.run_job(job_id, now=utcnow()).is_finished  # a repeat run: still one PDF
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportPdf)) == 1
    assert calls == [1]


def test_a_report_resumed_after_its_month_ended_reads_only_its_own_days(app):
    """Made on 15 March for 1–15 March, the month reads whole (nothing can come after today);
    resumed in April, only its fifteen days are read."""
    job = Job(params={"from": "2027-03-01", "to": "2027-03-15"})
    on_the_day = printing.period_of(job, now=datetime(2027, 3, 15, 4, tzinfo=timezone.utc))
    assert on_the_day.open_end and on_the_day.whole_months() == [date(2027, 3, 1)]
    resumed = printing.period_of(job, now=datetime(2027, 4, 2, 4, tzinfo=timezone.utc))
    assert not resumed.open_end and resumed.whole_months() == [] and resumed.cut_parts()[0].end == date(2027, 3, 15)
