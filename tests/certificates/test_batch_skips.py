"""A batch gives no second certificate of the same hours: it skips the volunteers who hold a valid
one of the same issuer, period and hours (Certificate.states_the_same), says how many, and gives
a new one to those whose hours changed since. Issuing again by hand stays the admin's choice."""
from __future__ import annotations

import time
from datetime import date, timedelta

import sqlalchemy as sa

from tests.certificates.test_batches import give_hours, issued_in, job_row
from tests.conftest import csrf_from
from volunteer.accounts.models import User, Volunteer
from volunteer.certificates import batches
from volunteer.certificates import services as certificates
from volunteer.certificates.models import Certificate
from volunteer.core import jobs
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.organisations.services import get_by_code
from volunteer.projects.models import Project


def run_batch(app, person, code="LX-A", **params) -> int:
    """Start a batch as ``person`` (at least 2 h unless told) and run it to its end; its job id."""
    with app.app_context(), app.test_request_context("/"):
        job = batches.start_batch(db.session.get(User, person.id), get_by_code(code),
                                  {"min_hours": "2", **params}, base_url="http://localhost/", now=utcnow())
        db.session.commit()
        job_id = job.id
    with app.app_context():
        jobs.run_job(job_id, now=utcnow())
    return job_id


def valid_certificates(app, volunteer_id) -> list[tuple[int, str]]:
    with app.app_context():
        return db.session.execute(sa.select(Certificate.minutes, Certificate.status)
                                  .where(Certificate.volunteer_id == volunteer_id, Certificate.status == "valid")
                                  .order_by(Certificate.id)).all()


def by_hand(app, person, volunteer_id, **options) -> str:
    with app.app_context(), app.test_request_context("/"):
        certificate = certificates.issue_certificate(db.session.get(User, person.id),
                                                     db.session.get(Volunteer, volunteer_id),
                                                     base_url="http://localhost/", now=utcnow(), **options)
        db.session.commit()
        return certificate.serial


def test_a_batch_run_twice_issues_each_volunteer_one_certificate_and_says_it_skipped_them(app, world, town):
    eligible = town(3)
    first = run_batch(app, world.a_admin)
    second = run_batch(app, world.a_admin)  # the same batch, started again (as in the demo, three times)
    assert issued_in(app, first) == eligible and issued_in(app, second) == []
    for volunteer_id in eligible:
        assert valid_certificates(app, volunteer_id) == [(180, "valid")]
    job = job_row(app, second)
    assert (job.state, job.done, job.total, job.percent) == ("done", 0, 0, 100)
    assert batches.skipped_in(job) == 3 and batches.skipped_in(job_row(app, first)) == 0


def test_the_batch_page_and_its_status_say_how_many_were_skipped(app, world, town, signed_in):
    town(2)
    run_batch(app, world.a_admin)
    admin = signed_in(world.a_admin)
    page = admin.get("/certificates/batches").get_data(as_text=True)
    assert "已持有同一出具组织、同一期间、相同时长有效证明的志愿者将被跳过" in page
    started = admin.client.post("/certificates/batches", data={
        "csrf_token": csrf_from(page), "organisation_code": "LX-A", "min_hours": "2"})
    job_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
    for _ in range(200):  # the in-process worker thread
        status = admin.client.get(f"/certificates/batches/{job_id}.json").json
        if status["state"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert (status["state"], status["done"], status["skipped"]) == ("done", 0, 2)
    shown = admin.get(f"/certificates/batches/{job_id}").get_data(as_text=True)
    assert "已跳过 2 名志愿者：他们已持有同一出具组织、同一期间、相同时长的有效证明。" in shown
    listed = admin.get("/certificates/batches").get_data(as_text=True)
    assert "已出具 0 / 0 份 · 已跳过 2 名" in listed and "已出具 2 / 2 份" in listed


def test_a_volunteer_whose_hours_grew_gets_a_new_certificate_the_others_are_skipped(app, world, site, town):
    eligible = town(3)
    first = run_batch(app, world.a_admin)
    with app.app_context():
        grown = db.session.get(Volunteer, eligible[1])
    give_hours(app, world, site, grown, 60)  # approved after the first batch, within its (open) period
    second = run_batch(app, world.a_admin)
    assert issued_in(app, second) == [eligible[1]]
    assert valid_certificates(app, eligible[1]) == [(180, "valid"), (240, "valid")]  # the new one states 4 h
    assert valid_certificates(app, eligible[0]) == [(180, "valid")]
    job = job_row(app, second)
    assert (job.done, job.total, batches.skipped_in(job)) == (1, 1, 2)
    assert issued_in(app, first) == eligible


def test_a_certificate_issued_by_hand_of_the_same_hours_counts_one_of_a_project_does_not(app, world, site, town):
    eligible = town(3)
    by_hand(app, world.a_admin, eligible[0])  # all projects, no period: what the batch would state
    with app.app_context():
        project = db.session.get(Project, site.project_id)
    by_hand(app, world.a_admin, eligible[1], project=project)  # one project: another statement
    job_id = run_batch(app, world.a_admin)
    assert issued_in(app, job_id) == eligible[1:]
    assert batches.skipped_in(job_row(app, job_id)) == 1


def test_a_revoked_certificate_is_no_reason_to_skip(app, world, town):
    eligible = town(1, short=0)
    serial = by_hand(app, world.a_admin, eligible[0])
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.serial == serial))
        certificates.revoke(db.session.get(User, world.a_admin.id), certificate, "出具有误", now=utcnow())
        db.session.commit()
    job_id = run_batch(app, world.a_admin)
    assert issued_in(app, job_id) == eligible and batches.skipped_in(job_row(app, job_id)) == 0


def test_the_same_hours_for_another_period_or_issuer_is_another_certificate(app, world, town):
    eligible = town(2, short=0)
    this_year = {"period_from": date.today() - timedelta(days=30), "period_to": date.today()}
    run_batch(app, world.a_admin, **this_year)
    again = run_batch(app, world.a_admin, **this_year)
    assert issued_in(app, again) == [] and batches.skipped_in(job_row(app, again)) == 2  # same period: skipped
    open_ended = run_batch(app, world.a_admin)  # no period: the certificate says so, another statement
    assert issued_in(app, open_ended) == eligible
    by_city = run_batch(app, world.city_admin, code="LX-A", **this_year)  # issued in the city's name
    assert issued_in(app, by_city) == eligible
    with app.app_context():
        issuers = set(db.session.scalars(sa.select(Certificate.serial).where(Certificate.job_id == by_city)))
    assert all(serial.startswith("LX-2") for serial in issuers)


def test_one_issued_while_the_batch_runs_is_skipped_not_doubled(app, world, town, monkeypatch):
    """Another batch or an admin issues the same certificate after this batch read its list: the
    check beside each certificate (under the volunteer's lock) still skips it."""
    eligible = town(3, short=0)
    monkeypatch.setattr(batches, "already_certified", lambda *args: set())  # the list was read before
    by_hand(app, world.a_admin, eligible[2])
    job_id = run_batch(app, world.a_admin)
    assert issued_in(app, job_id) == eligible[:2]
    assert valid_certificates(app, eligible[2]) == [(180, "valid")]
    job = job_row(app, job_id)
    assert (job.state, job.done, job.total, batches.skipped_in(job)) == ("done", 2, 2, 1)


def test_issuing_again_stays_the_admins_explicit_choice(app, world, town, signed_in):
    """After a batch, the admin may still issue a second one by hand, or revoke and re-issue."""
    eligible = town(1, short=0)
    run_batch(app, world.a_admin)
    with app.app_context():
        number = db.session.get(Volunteer, eligible[0]).volunteer_no
        serial = db.session.scalar(sa.select(Certificate.serial).where(Certificate.volunteer_id == eligible[0]))
    admin = signed_in(world.a_admin)
    page = admin.get("/certificates/").get_data(as_text=True)
    issued = admin.client.post("/certificates/issue", data={"csrf_token": csrf_from(page), "volunteer_no": number},
                               follow_redirects=True).get_data(as_text=True)
    assert "已出具" in issued
    assert valid_certificates(app, eligible[0]) == [(180, "valid"), (180, "valid")]
    admin.client.post(f"/certificates/{serial}/revoke", data={"csrf_token": csrf_from(page), "reason": "重复"})
    again = admin.client.post(f"/certificates/{serial}/reissue", data={"csrf_token": csrf_from(page)},
                              follow_redirects=True).get_data(as_text=True)
    assert "已出具" in again
    assert valid_certificates(app, eligible[0]) == [(180, "valid"), (180, "valid")]  # one revoked, one new
