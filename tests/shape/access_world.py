"""The records the access matrix asks for: town A (LX-A) holds one of everything a route can
name (a station with its lead, projects in three states, a position and an application, entries
pending and approved, a dispute, a certificate and a request for one, a seal, a batch, a report,
an evaluation's attachment); town B (LX-B) its own staff, lead and volunteer; the city (LX) an
admin above both. Built once through the services, committed; each actor signed in once.

The texts in ``SECRETS`` are town A's and appear nowhere else: no refused answer carries one, nor
any answer to someone outside town A and the city."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from PIL import Image

from tests.conftest import csrf_from
from tests.factories import Factory, make_id_number
from volunteer.accounts.models import Membership, User, Volunteer
from volunteer.accounts.services import issue_api_token
from volunteer.certificates import batches
from volunteer.certificates import services as certificates
from volunteer.checkin import services as checkin
from volunteer.core import jobs
from volunteer.core.models import Job
from volunteer.core.time import utcnow
from volunteer.core.vocabulary import JobState
from volunteer.extensions import db
from volunteer.ledger import services as ledger
from volunteer.ledger.models import LedgerEntry
from volunteer.ledger.vocabulary import Decision
from volunteer.notifications.models import Notice
from volunteer.organisations.services import get_by_code
from volunteer.organisations.vocabulary import OrganisationKind, Role
from volunteer.practice import services as practice
from volunteer.practice.vocabulary import PracticeJob, ProgrammeState
from volunteer.projects import calendar
from volunteer.projects import services as projects
from volunteer.projects.models import Project
from volunteer.projects.vocabulary import Category, ProjectState
from volunteer.reports import printing
from volunteer.reports import services as reports
from volunteer.reports.vocabulary import PeriodChoice
from volunteer.shifts import services as shifts
from volunteer.stations import codes
from volunteer.stations import services as stations
from volunteer.stations.models import Station
from volunteer.stations.vocabulary import StationKind

# Town A's texts, each unique to the test (none is public: a published page may show the running
# project's title or the station's name, so those are not here).
SECRETS = {
    "volunteer_name": "王矩阵", "volunteer_phone": "13911110001",
    "volunteer_id_number": make_id_number(date(1996, 4, 1), seq=71), "lead_name": "赵矩阵站长",
    "lead_phone": "13911110002", "manager_name": "甲矩阵负责人", "admin_name": "甲矩阵管理员",
    "draft_title": "矩阵草案项目", "application_note": "矩阵报名备注", "dispute_note": "矩阵申诉说明",
    "evaluation_summary": "矩阵评估总结", "request_note": "矩阵证明用途", "decision_reason": "矩阵核实理由",
    "leave_reason": "矩阵请假理由",
}
ACTORS = ("anonymous", "a_volunteer", "a_lead", "a_manager", "a_admin",
          "b_volunteer", "b_lead", "b_manager", "b_admin", "city_admin")


@dataclass
class Actor:
    name: str
    user_id: int | None = None
    login: str | None = None
    address: str = "10.0.0.1"      # each actor its own client address: rate limits count apart
    cookie: str | None = None      # the signed session cookie (a fresh client gets it per request)
    csrf: str | None = None
    token: str | None = None       # the API's bearer token
    own: frozenset = frozenset()   # SECRETS of the actor themselves (their name on their own pages)


@dataclass
class World:
    """Town A's records by name (model, id), the values URLs take, and the actors."""
    records: dict[str, tuple[type, int]] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)

    def keep(self, name: str, record) -> None:
        self.records[name] = (type(record), record.id)
        self.values[name] = record.id

    def record(self, name: str):
        model, record_id = self.records[name]
        return db.session.get(model, record_id)


def _seal_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (120, 120), (200, 0, 0, 128)).save(out, format="PNG")
    return out.getvalue()


def _people(factory: Factory) -> dict:
    factory.org("LX", "临溪市团委", kind=OrganisationKind.CITY)
    factory.org("LX-A", "甲镇团委", parent="LX")
    factory.org("LX-A-1", "甲村团支部", kind=OrganisationKind.VILLAGE, parent="LX-A")
    factory.org("LX-B", "乙镇团委", parent="LX")
    factory.org("LX-B-1", "乙村团支部", kind=OrganisationKind.VILLAGE, parent="LX-B")
    s = SECRETS
    return {
        "a_volunteer": factory.volunteer("LX-A-1", name=s["volunteer_name"], phone=s["volunteer_phone"],
                                         id_number=s["volunteer_id_number"]),
        "a_lead": factory.volunteer("LX-A-1", name=s["lead_name"], phone=s["lead_phone"]),
        "a_manager": factory.staff(Role.MANAGER, "LX-A", name=s["manager_name"]),
        "a_admin": factory.staff(Role.LEAGUE_ADMIN, "LX-A", name=s["admin_name"]),
        "b_volunteer": factory.volunteer("LX-B-1", name="乙志愿者"),
        "b_lead": factory.volunteer("LX-B-1", name="乙站长"),
        "b_manager": factory.staff(Role.MANAGER, "LX-B", name="乙负责人"),
        "b_admin": factory.staff(Role.LEAGUE_ADMIN, "LX-B", name="乙管理员"),
        "city_admin": factory.staff(Role.LEAGUE_ADMIN, "LX", name="市管理员"),
    }


def _user(person) -> User:
    return db.session.get(User, getattr(person, "user_id", None) or person.id)


def _station(admin: User, code: str, name: str, lead: User, now) -> Station:
    station = stations.create_station(admin, get_by_code(code), {"name": name, "kind": StationKind.POST}, now=now)
    db.session.flush()
    stations.add_lead(admin, station, lead, now=now)
    return station


def _project(manager: User, title: str, state: ProjectState, station: Station, now) -> Project:
    today = date.today()
    project = projects.create_project(manager, get_by_code("LX-A"), {
        "title": title, "category": Category.ELDERLY, "starts_on": today - timedelta(days=30),
        "ends_on": today + timedelta(days=365), "station_ids": [station.id]}, now=now)
    db.session.flush()
    if state != ProjectState.DRAFT:
        project.submitted_by_id, project.state = manager.id, state
    return project


def _served(volunteer: User, station: Station, project: Project, days_ago: int, minutes: int) -> LedgerEntry:
    text = codes.make_code(station, codes.STATIC)
    start = utcnow() - timedelta(days=days_ago)
    checkin.scan_station_code(volunteer, text, now=start, project_id=project.id)
    checkin.scan_station_code(volunteer, text, now=start + timedelta(minutes=minutes), project_id=project.id)
    db.session.flush()
    return db.session.scalars(db.select(LedgerEntry).order_by(LedgerEntry.id.desc())).first()


def _records(world: World, people: dict) -> None:
    now = utcnow()
    city, admin, manager = (_user(people[k]) for k in ("city_admin", "a_admin", "a_manager"))
    volunteer, lead = _user(people["a_volunteer"]), _user(people["a_lead"])
    station = _station(city, "LX-A-1", "甲村矩阵驿站", lead, now)
    world.keep("station", station)
    _station(city, "LX-B-1", "乙村驿站", _user(people["b_lead"]), now)  # town B's lead leads one of their own
    running = _project(manager, "社区矩阵服务", ProjectState.RUNNING, station, now)
    draft = _project(manager, SECRETS["draft_title"], ProjectState.DRAFT, station, now)
    evaluating = _project(manager, "矩阵评估中项目", ProjectState.EVALUATING, station, now)
    db.session.flush()
    position = projects.add_position(manager, running, {"title": "矩阵岗位", "capacity": 5}, now=now)
    db.session.flush()
    application = projects.apply_for_position(volunteer, position, note=SECRETS["application_note"], now=now)
    projects.save_evaluation(manager, evaluating, {
        "beneficiaries_served": 12, "rating": 4, "outcomes": "矩阵成效", "summary": SECRETS["evaluation_summary"]},
        [("矩阵附件.pdf", b"%PDF-1.4 matrix")], now=now)
    approved = _served(volunteer, station, running, days_ago=3, minutes=120)
    ledger.decide(lead, approved, Decision.APPROVE, reason=SECRETS["decision_reason"], now=now)
    pending = _served(volunteer, station, running, days_ago=2, minutes=60)
    db.session.flush()
    manual = ledger.record_manual(manager, running, db.session.get(Volunteer, people["a_volunteer"].id), {
        "minutes": 30, "served_on": (now - timedelta(days=1)).date(), "reason": "矩阵补录",
        "photo": _seal_png()}, now=now)
    dispute = ledger.open_dispute(volunteer, approved.id, SECRETS["dispute_note"], now=now)
    certificate = certificates.issue_certificate(admin, db.session.get(Volunteer, people["a_volunteer"].id),
                                                 base_url="http://localhost/", now=now)
    request = certificates.request_certificate(volunteer, {"note": SECRETS["request_note"]}, now=now)
    certificates.set_seal(admin, get_by_code("LX-A"), _seal_png(), "甲矩阵印章", now=now)
    reports.set_public_figures(admin, get_by_code("LX-A"), publishes=True, population=None, now=now)
    batch = batches.start_batch(admin, get_by_code("LX-A"), {"min_hours": "1000"},  # it issues nothing
                                base_url="http://localhost/", now=now)
    report = printing.start_report(admin, get_by_code("LX-A"),
                                   reports.period_of(PeriodChoice.THIS_YEAR, now=now)[1], now=now)
    shift = shifts.create_shift(manager, position, {
        "starts_at": now + timedelta(days=2), "ends_at": now + timedelta(days=2, hours=4), "capacity": 3,
        "station_id": station.id}, now=now)
    db.session.flush()
    signup = shifts.sign_up(volunteer, shift, now=now)
    db.session.flush()
    leave = shifts.ask_leave(volunteer, signup, SECRETS["leave_reason"], now=now)
    today = date.today()
    programme = practice.create_programme(admin, get_by_code("LX-A"), {
        "name": "矩阵返家乡实践", "season": "summer", "applications_open_on": today - timedelta(days=1),
        "applications_close_on": today + timedelta(days=30), "practice_starts_on": today + timedelta(days=40),
        "practice_ends_on": today + timedelta(days=80)}, now=now)
    practice.transition_programme(admin, programme, ProgrammeState.COLLECTING_POSTS, now=now)
    host_unit = practice.register_unit(admin, get_by_code("LX-A"), {  # the lead signs in for it
        "name": "甲矩阵接收单位", "unit_kind": "enterprise", "contact_name": SECRETS["lead_name"],
        "contact_phone": SECRETS["lead_phone"]}, now=now)
    post = practice.submit_post(lead, host_unit, programme, {
        "title": "矩阵岗位", "post_kind": "enterprise_practice", "places": 2, "place_of_work": "甲镇工业园",
        "duties": "协助", "supervisor_name": "陈"}, now=now)
    practice.decide_post(admin, post, approve=True, now=now)
    practice.transition_programme(admin, programme, ProgrammeState.APPLICATIONS_OPEN, now=now)
    student = practice.apply(volunteer, programme, {
        "school_name": "矩阵大学", "student_number": "M000", "major": "法学", "grade": "大二", "hometown": "LX-A-1",
        "choices": [str(post.id)]}, now=now)
    db.session.flush()
    at_post = _at_post(admin, lead, volunteer, host_unit, today, now)
    notice = db.session.scalar(db.select(Notice).where(Notice.user_id == volunteer.id).order_by(Notice.id))
    for name, record in (("notice", notice), ("running_project", running), ("draft_project", draft), ("evaluating_project", evaluating),
                         ("position", position), ("application", application), ("approved_entry", approved),
                         ("pending_entry", pending), ("manual_entry", manual), ("dispute", dispute), ("certificate", certificate),
                         ("certificate_request", request), ("batch", batch), ("report", report),
                         ("shift", shift), ("signup", signup), ("leave", leave), ("programme", programme),
                         ("host_unit", host_unit), ("post", post), ("practice_application", student),
                         ("choice", student.choices[0]), *at_post.items(),
                         ("attachment", evaluating.evaluation.attachments[0]), ("org_a", get_by_code("LX-A")),
                         ("city", get_by_code("LX")),
                         ("volunteer", db.session.get(Volunteer, people["a_volunteer"].id)),
                         ("membership", db.session.scalar(db.select(Membership).filter_by(user_id=manager.id)))):
        world.keep(name, record)
    world.values.update(serial=certificate.serial, verification_code=certificate.verification_code,
                        station_code=codes.make_code(station, codes.STATIC), lead_user_id=lead.id,
                        volunteer_no=certificate.snapshot["volunteer_no"],
                        log_week=at_post["log"].week_of.isoformat())
    # the token of the volunteer's calendar feed (the feed's URL takes it)
    world.values["calendar_token"] = calendar.make_calendar_link(volunteer, now=now)
    db.session.commit()
    for job_id in (batch.id, report.id):
        jobs.run_job(job_id, now=utcnow())


def _sign_in(app, actor: Actor, password: str | None) -> None:
    """The web session (cookie and CSRF token) and the API token of one actor."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = actor.address
    if actor.login:
        page = client.get("/login")
        answer = client.post("/login", data={"login": actor.login, "password": password,
                                             "csrf_token": csrf_from(page.get_data(as_text=True))})
        assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    page = client.get("/me" if actor.login else "/login")
    actor.csrf = csrf_from(page.get_data(as_text=True))
    actor.cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    if actor.user_id:
        with app.app_context():
            actor.token, _row = issue_api_token(db.session.get(User, actor.user_id), now=utcnow())
            db.session.commit()


OWN = {"a_volunteer": ("volunteer_name", "volunteer_phone", "volunteer_id_number"),
       "a_lead": ("lead_name", "lead_phone"), "a_manager": ("manager_name",), "a_admin": ("admin_name",)}


def build(app) -> World:
    world = World()
    people = _people(Factory(app))
    with app.app_context():
        _records(world, people)
    for number, name in enumerate(ACTORS, start=1):
        person = people.get(name)
        actor = Actor(name, address=f"10.0.0.{number}", own=frozenset(SECRETS[k] for k in OWN.get(name, ())))
        if person is not None:
            actor.user_id, actor.login = getattr(person, "user_id", None) or person.id, person.login
        _sign_in(app, actor, getattr(person, "password", None))
        world.actors[name] = actor
    return world



def _at_post(admin, lead, volunteer, host_unit, today, now) -> dict:
    """A programme of town A under way: the volunteer placed on the unit's post, a week logged
    with a photo; a practice certificates job of it (as if started once it is evaluated)."""
    programme = practice.create_programme(admin, get_by_code("LX-A"), {
        "name": "矩阵在岗实践", "season": "winter", "applications_open_on": today - timedelta(days=40),
        "applications_close_on": today - timedelta(days=30), "practice_starts_on": today - timedelta(days=10),
        "practice_ends_on": today + timedelta(days=20)}, now=now)
    practice.transition_programme(admin, programme, ProgrammeState.COLLECTING_POSTS, now=now)
    post = practice.submit_post(lead, host_unit, programme, {
        "title": "矩阵在岗岗位", "post_kind": "community_practice", "places": 1, "place_of_work": "甲镇社区",
        "starts_on": today - timedelta(days=10), "ends_on": today + timedelta(days=20), "duties": "协助",
        "supervisor_name": "陈"}, now=now)
    practice.decide_post(admin, post, approve=True, now=now)
    practice.transition_programme(admin, programme, ProgrammeState.APPLICATIONS_OPEN, now=now)
    student = practice.apply(volunteer, programme, {
        "school_name": "矩阵大学", "student_number": "M001", "major": "法学", "grade": "大二", "hometown": "LX-A-1",
        "choices": [str(post.id)]}, now=now - timedelta(days=35))
    practice.transition_programme(admin, programme, ProgrammeState.MATCHING, now=now)
    practice.unit_decides(lead, student.choices[0], "offer_made", now=now)
    practice.accept_offer(volunteer, student.choices[0], now=now)
    practice.transition_programme(admin, programme, ProgrammeState.RUNNING, now=now)
    week = practice.weeks_to_log(student, today)[0]
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 60)).save(photo, format="JPEG")
    log = practice.write_log(volunteer, student, {"week_of": week.isoformat(), "log_text": "矩阵周志",
                                                  "photos": [photo.getvalue()]}, now=now)
    practice.confirm_insurance(volunteer, student, "矩阵学平险 M001", proof=photo.getvalue(), now=now)
    question = practice.add_question(admin, programme, {"question_kind": "rating_scale", "prompt": "矩阵满意度",
                                                        "required": True}, now=now)
    job = Job(kind=PracticeJob.CERTIFICATES, organisation_id=programme.organisation_id, state=JobState.DONE, done=0,
              total=0, created_by_id=admin.id, created_at=now, params={"programme_id": programme.id,
                                                                          "base_url": "http://localhost/"})
    db.session.add(job)
    db.session.flush()
    branch = practice.form_branch(admin, programme, "矩阵临时团支部", now=now)
    [member] = practice.put_in_branch(admin, branch, [student.id], now=now)
    practice.set_secretary(admin, member, True, now=now)
    return {"running_programme": programme, "placed_application": student, "log": log, "log_photo": log.photos[0],
            "certifying_job": job, "question": question, "branch": branch, "branch_member": member}
