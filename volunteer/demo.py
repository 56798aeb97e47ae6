"""Demo data: a city league with three towns, their villages and communities, a college, stations,
projects in several states, staff for each role, a few hundred volunteers (shifts and the practice
programme: demo_shifts.py, demo_practice.py). Every demo login uses the password DEMO_PASSWORD (the
README lists them). Deterministic (a fixed random seed), so screenshots and walkthroughs match."""
from __future__ import annotations

import ipaddress
import os
import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from volunteer.accounts import services as accounts
from volunteer.accounts.identity import check_digit
from volunteer.accounts.models import Membership, User, Volunteer
from volunteer.accounts.privacy import CURRENT_VERSION
from volunteer.accounts.vocabulary import AccountEvent, Gender, PoliticalStatus
from volunteer.certificates import services as certificates
from volunteer.checkin import services as checkin
from volunteer.core import signals
from volunteer.core.audit import record_event
from volunteer.core.counters import next_value
from volunteer.core.crypto import encrypt_text, keyed_hash
from volunteer.demo_practice import seed_practice
from volunteer.demo_seal import seal_png
from volunteer.demo_shifts import seed_shifts
from volunteer.extensions import db
from volunteer.ledger import services as ledger
from volunteer.ledger.models import LedgerEntry
from volunteer.ledger.vocabulary import Decision
from volunteer.organisations import services as organisations
from volunteer.organisations.models import Organisation
from volunteer.organisations.vocabulary import OrganisationKind, Role
from volunteer.projects import lifecycle
from volunteer.projects import services as projects
from volunteer.projects.models import Project
from volunteer.projects.vocabulary import ApplicationState, Category, Level, ProjectState, ResourceKind, ResourceStatus
from volunteer.stations import codes
from volunteer.stations.models import Station
from volunteer.stations.vocabulary import StationEvent, StationKind

DEMO_PASSWORD = "demo2026"

TREE = [
    # code, name, kind, parent
    ("LX", "临溪市团委", OrganisationKind.CITY, None),
    ("LX-QS", "青山镇团委", OrganisationKind.TOWN, "LX"),
    ("LX-QS-01", "青山村团支部", OrganisationKind.VILLAGE, "LX-QS"),
    ("LX-QS-02", "石桥村团支部", OrganisationKind.VILLAGE, "LX-QS"),
    ("LX-QS-03", "青山社区团支部", OrganisationKind.COMMUNITY, "LX-QS"),
    ("LX-BH", "白河街道团工委", OrganisationKind.STREET, "LX"),
    ("LX-BH-01", "白河社区团支部", OrganisationKind.COMMUNITY, "LX-BH"),
    ("LX-BH-02", "河畔社区团支部", OrganisationKind.COMMUNITY, "LX-BH"),
    ("LX-DZ", "东洲镇团委", OrganisationKind.TOWN, "LX"),
    ("LX-DZ-01", "东洲村团支部", OrganisationKind.VILLAGE, "LX-DZ"),
    ("LX-DZ-02", "柳湾村团支部", OrganisationKind.VILLAGE, "LX-DZ"),
    ("LX-ZY", "临溪职业技术学院团委", OrganisationKind.SCHOOL, "LX"),
]

STAFF = [
    # phone, name, role, organisation
    ("13800000001", "市团委 王敏", Role.LEAGUE_ADMIN, "LX"),
    ("13800000002", "青山镇 李强", Role.LEAGUE_ADMIN, "LX-QS"),
    ("13800000003", "白河街道 赵丽", Role.LEAGUE_ADMIN, "LX-BH"),
    ("13800000004", "东洲镇 陈刚", Role.LEAGUE_ADMIN, "LX-DZ"),
    ("13800000011", "市团委 项目负责人 刘洋", Role.MANAGER, "LX"),
    ("13800000012", "青山镇 项目负责人 周洁", Role.MANAGER, "LX-QS"),
    ("13800000013", "白河街道 项目负责人 吴磊", Role.MANAGER, "LX-BH"),
    ("13800000014", "东洲镇 项目负责人 郑芳", Role.MANAGER, "LX-DZ"),
]

STATIONS = [
    # organisation, name, kind, lead phone
    ("LX-QS", "青山镇青年之家", StationKind.YOUTH_HOME, "13800000022"),
    ("LX-QS-02", "石桥村志愿驿站", StationKind.POST, "13800000022"),
    ("LX-BH", "白河街道志愿服务站", StationKind.SERVICE_STATION, "13800000023"),
    ("LX-BH-02", "河畔社区助残服务站", StationKind.DISABILITY_STATION, "13800000023"),
    ("LX-DZ", "东洲镇新时代文明实践站", StationKind.SERVICE_STATION, "13800000024"),
    ("LX-DZ-01", "东洲村联络站", StationKind.LIAISON_STATION, "13800000024"),
]
LEADS = {"13800000022": "站长 孙悦", "13800000023": "站长 钱进", "13800000024": "站长 冯雪"}

PROJECTS = [
    # organisation, title, category, the state it is walked to, roster required
    ("LX-QS", "社区助老服务", Category.ELDERLY, ProjectState.RUNNING, True),
    ("LX-QS", "青山河道环保行动", Category.ENVIRONMENT, ProjectState.RECRUITING, False),
    ("LX-QS", "暑期留守儿童课业辅导", Category.EDUCATION, ProjectState.SUBMITTED, True),
    ("LX-QS", "老年大学智能手机课堂", Category.EDUCATION, ProjectState.REJECTED, False),
    ("LX-BH", "助残康复陪伴", Category.DISABILITY, ProjectState.RUNNING, True),
    ("LX-BH", "文明交通劝导", Category.CIVILITY, ProjectState.APPROVED, False),
    ("LX-BH", "社区防汛应急演练", Category.EMERGENCY, ProjectState.CLOSED, False),
    ("LX-BH", "夜间便民维修", Category.COMMUNITY, ProjectState.SUSPENDED, False),
    ("LX-DZ", "东洲马拉松赛会服务", Category.MAJOR_EVENT, ProjectState.DRAFT, True),
    ("LX-DZ", "乡村图书角整理", Category.COMMUNITY, ProjectState.EVALUATING, False),
    ("LX-DZ", "冬季送温暖", Category.OTHER, ProjectState.CANCELLED, False),
    ("LX", "临溪市返家乡社会实践", Category.COMMUNITY, ProjectState.RECRUITING, True),
]

# How each demo project reached its state: (target, comment). Screening steps are made by the
# town admin (or the city admin for the city's own project), every other step by the manager.
S = ProjectState
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.REJECTED: [S.SUBMITTED, (S.REJECTED, "请补充经费预算和安全预案。")],
    S.APPROVED: [S.SUBMITTED, S.APPROVED],
    S.RECRUITING: [S.SUBMITTED, S.APPROVED, S.RECRUITING],
    S.RUNNING: [S.SUBMITTED, S.APPROVED, S.RECRUITING, S.RUNNING],
    S.SUSPENDED: [S.SUBMITTED, S.APPROVED, S.RECRUITING, (S.SUSPENDED, "维修工具未到位，暂停两周。")],
    S.EVALUATING: [S.SUBMITTED, S.APPROVED, S.RECRUITING, S.RUNNING, S.EVALUATING],
    S.CLOSED: [S.SUBMITTED, S.APPROVED, S.RECRUITING, S.RUNNING, S.EVALUATING, S.CLOSED],
    S.CANCELLED: [S.SUBMITTED, S.APPROVED, (S.CANCELLED, "天气原因取消。")],
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁龙林欢阳建亮成佳琳晨雪婷倩颖琪涵欣怡梓轩子豪睿博文思雨"
AREA_CODES = ["330102", "330106", "330183", "330521", "330424", "110105", "440524", "320581"]

DEMO_VOLUNTEER_PHONE = "13900000001"


def _id_number(rng: random.Random, born: date, male: bool) -> str:
    seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"{rng.choice(AREA_CODES)}{born:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def seed(*, now: datetime, volunteer_count: int = 300) -> bool:
    """Load the demo once; returns False (and changes nothing) if organisations exist."""
    if db.session.scalar(sa.select(sa.func.count(Organisation.id))):
        return False
    rng = random.Random(20261121)
    password_hash = accounts.hash_password(DEMO_PASSWORD)

    orgs: dict[str, Organisation] = {}
    for code, name, kind, parent in TREE:
        orgs[code] = organisations.create_organisation(None, orgs.get(parent), code=code, name=name,
                                                       kind=kind, now=now - timedelta(days=400))
    # the city's population for its registration rate; its figures on a public page (/figures/LX)
    orgs["LX"].population, orgs["LX"].publishes_figures = 520_000, True
    db.session.flush()

    def staff_user(phone: str, name: str) -> User:
        user = User(phone=phone, password_hash=password_hash, display_name=name,
                    created_at=now - timedelta(days=390))
        db.session.add(user)
        return user

    for phone, name, role, code in STAFF:
        accounts.grant_role(None, staff_user(phone, name), orgs[code], role, now=now - timedelta(days=390))
    leads = {phone: staff_user(phone, name) for phone, name in LEADS.items()}
    for code, name, kind, lead in STATIONS:
        station = Station(organisation=orgs[code], name=name, kind=kind, leads=[leads[lead]],
                          created_at=now - timedelta(days=380))
        db.session.add(station)
        record_event(None, StationEvent.CREATED, station, after={"name": name}, now=now - timedelta(days=380))
    db.session.flush()

    homes = [o for o in orgs.values()
             if o.kind in (OrganisationKind.VILLAGE, OrganisationKind.COMMUNITY, OrganisationKind.SCHOOL)]
    today = (now + timedelta(hours=8)).date()
    for index in range(volunteer_count):
        male = rng.random() < 0.45
        age = rng.choice([rng.randrange(10, 18)] + [rng.randrange(18, 70) for _ in range(9)])
        born = today.replace(year=today.year - age) - timedelta(days=rng.randrange(1, 360))
        number = _id_number(rng, born, male)
        if db.session.scalar(sa.select(Volunteer.id).where(Volunteer.id_number_hash == keyed_hash(number))):
            continue
        registered = now - timedelta(days=rng.randrange(1, 365), minutes=rng.randrange(0, 1440))
        phone = DEMO_VOLUNTEER_PHONE if index == 0 else f"139{rng.randrange(10**7, 10**8):08d}"
        if index and db.session.scalar(sa.select(User.id).where(User.phone == phone)):
            continue
        name = _name(rng)
        org = orgs["LX-QS-01"] if index == 0 else rng.choice(homes)
        user = User(phone=phone, password_hash=password_hash, display_name=name, created_at=registered)
        minor = age < 18
        volunteer = Volunteer(
            user=user, organisation=org,
            volunteer_no=f"{org.code}-{next_value('volunteer_no:' + org.code):06d}",
            name=name, id_number_encrypted=encrypt_text(number), id_number_hash=keyed_hash(number),
            birth_date=born, gender=Gender.MALE if male else Gender.FEMALE,
            political_status=None if age < 14 else rng.choice(list(PoliticalStatus)),
            school_or_employer=None if age < 14 else rng.choice(
                ["临溪职业技术学院", "临溪一中", "青山镇卫生院", "东洲供销社", None]),
            consent_version=CURRENT_VERSION, consent_at=registered,
            guardian_name=_name(rng) if minor else None,
            guardian_phone=f"137{rng.randrange(10**7, 10**8):08d}" if minor else None,
            guardian_consent_at=registered if minor else None,
            guardian_sensitive_consent_at=registered if age < 14 else None,
            created_at=registered,
        )
        db.session.add_all([user, volunteer])
        record_event(user, AccountEvent.REGISTERED, volunteer,
                     after={"volunteer_no": volunteer.volunteer_no, "organisation": org.code,
                            "consent_version": CURRENT_VERSION, "minor": minor}, now=registered)
        db.session.flush()
        signals.registration_counted.send(volunteer, count=1)
    db.session.flush()
    _seed_projects(rng, orgs, now)
    db.session.commit()
    _seed_sessions(rng, now)
    _seed_ledger(rng, now)
    _seed_certificates(now)
    seed_shifts(rng, now, DEMO_VOLUNTEER_PHONE)
    seed_practice(now, STAFF[0][0], DEMO_VOLUNTEER_PHONE, DEMO_PASSWORD, served_address())
    return True


def _seed_projects(rng: random.Random, orgs: dict, now: datetime) -> None:
    """Projects in every state, walked there through the real services, with positions,
    applications, resources and evaluations."""
    def staff(code: str, role: str) -> User:
        return db.session.scalar(sa.select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.role == role, Membership.organisation_id == orgs[code].id))

    for index, (code, title, category, state, roster) in enumerate(PROJECTS):
        town = code if code != "LX" else "LX-QS"  # the city's project runs at Qingshan's stations
        manager = staff(code, Role.MANAGER)
        screener = staff("LX" if code == "LX" else code, Role.LEAGUE_ADMIN)
        started = now - timedelta(days=90 - index * 5)
        today = (now + timedelta(hours=8)).date()
        stations = db.session.scalars(sa.select(Station).join(Station.organisation).where(
            orgs[town].subtree())).all()
        project = projects.create_project(manager, orgs[code], {
            "title": title, "category": category, "level": Level.CITY if code == "LX" else Level.TOWN,
            "description": f"{title}：由{orgs[code].name}组织的志愿服务项目。",
            "starts_on": today - timedelta(days=60), "ends_on": today + timedelta(days=120),
            "target_volunteers": rng.choice([10, 20, 30, 50]), "target_hours": rng.choice([100, 200, 500]),
            "target_beneficiaries": rng.choice([50, 100, 300]), "roster_required": roster,
            "station_ids": [s.id for s in stations[:2]]}, now=started)
        step_time = started
        for step in PATHS[state]:
            target, comment = step if isinstance(step, tuple) else (step, None)
            step_time += timedelta(days=3)
            if target == ProjectState.CLOSED:
                projects.save_evaluation(manager, project, {
                    "beneficiaries_served": rng.randrange(80, 400), "rating": rng.choice([4, 5]),
                    "outcomes": "开展演练 3 场，覆盖居民 260 户。", "summary": "组织有序，居民参与度高。"},
                    now=step_time)
            actor = screener if target in lifecycle.SCREENING else manager
            projects.transition_project(actor, project, target, comment=comment, now=step_time)
            if target == ProjectState.RECRUITING:
                _positions_and_applications(rng, projects, project, manager, orgs[town], step_time)
                projects.add_resource(manager, project, {
                    "kind": ResourceKind.FUNDS, "status": ResourceStatus.RECEIVED, "description": "团市委专项经费",
                    "amount": "5000", "unit": "元"}, now=step_time)
                projects.add_resource(manager, project, {
                    "kind": ResourceKind.MATERIALS, "status": ResourceStatus.PLEDGED, "description": "爱心企业捐赠物资",
                    "source": "临溪供销社", "amount": str(rng.randrange(10, 60)), "unit": "箱"}, now=step_time)
        db.session.flush()


def _positions_and_applications(rng, projects, project, manager, town, when) -> None:
    volunteers = db.session.scalars(sa.select(Volunteer).join(Volunteer.organisation).where(
        town.subtree(), Volunteer.user_id.is_not(None))
        .order_by(Volunteer.id)).all()
    for title, capacity in (("现场服务", rng.choice([5, 8, 10])), ("后勤保障", rng.choice([2, 3]))):
        position = projects.add_position(manager, project, {"title": title, "capacity": capacity,
                                                            "requirements": "服从安排，按时签到签退。"}, now=when)
        db.session.flush()
        for volunteer in rng.sample(volunteers, min(len(volunteers), capacity + 3)):
            if position.places_left <= 0:
                break
            application = projects.apply_for_position(volunteer.user, position, now=when)
            decision = rng.choice([ApplicationState.ACCEPTED, ApplicationState.ACCEPTED, ApplicationState.DECLINED,
                                   None])
            if decision == ApplicationState.ACCEPTED and position.places_left <= 0:
                decision = None
            if decision:
                projects.decide_application(manager, application, decision, now=when)
                db.session.refresh(position)


def _seed_sessions(rng: random.Random, now: datetime) -> None:
    """The past week's check-ins at the running projects, scanned through the real check-in
    service; the demo volunteer is on the first one's roster, to try the scan page."""
    running = db.session.scalars(sa.select(Project).where(Project.state == ProjectState.RUNNING)
                                 .order_by(Project.id)).all()
    demo = db.session.scalar(sa.select(User).where(User.phone == DEMO_VOLUNTEER_PHONE))
    if running and demo is not None and not projects.is_on_roster(running[0], demo.volunteer):
        manager = db.session.get(User, running[0].created_by_id)
        position = projects.add_position(manager, running[0], {"title": "站点值守", "capacity": 5}, now=now)
        db.session.flush()
        application = projects.apply_for_position(demo, position, now=now)
        projects.decide_application(manager, application, ApplicationState.ACCEPTED, now=now)
        db.session.commit()
    for days_ago in range(7, 0, -1):
        serving = set()  # one session a day per volunteer: no one serves in two places at once
        for project in running:
            station = project.stations[0]
            code = codes.make_code(station, codes.STATIC)
            day = (now - timedelta(days=days_ago)).astimezone(station.zone).date()
            volunteers = [a.volunteer for a in projects.roster(project)
                          if a.volunteer.user_id != demo.id and a.volunteer.id not in serving]
            for volunteer in rng.sample(volunteers, min(4, len(volunteers))):
                serving.add(volunteer.id)
                start = datetime.combine(day, time(8, 30), tzinfo=station.zone) + timedelta(
                    minutes=rng.randrange(0, 180))
                end = start + timedelta(minutes=rng.randrange(45, 240))
                for moment in (start, end):
                    checkin.scan_station_code(volunteer.user, code, now=moment,
                                              project_id=project.id).raise_if_refused()
                db.session.commit()


def _seed_ledger(rng: random.Random, now: datetime) -> None:
    """Decisions on the week's entries through the ledger service: the leads approved what is older
    than two days (one rejected, one corrected later), the rest waits in their queues with a
    volunteer's dispute; the demo volunteer has approved hours, a manual entry and a dispute."""
    entries = db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.id)).all()
    recent = (now - timedelta(days=2)).date()
    older = [e for e in entries if e.served_on < recent]
    for index, entry in enumerate(older):
        lead = entry.station.leads[0]
        moment = now - timedelta(days=(now.date() - entry.served_on).days - 1)
        if index == 3:
            ledger.decide(lead, entry, Decision.REJECT, reason="当天未在岗,签到有误", now=moment)
        elif index == 5:
            ledger.decide(lead, entry, Decision.APPROVE, minutes=max(30, entry.minutes - 30),
                          reason="中途离岗 30 分钟", now=moment)
        else:
            ledger.decide(lead, entry, Decision.APPROVE, now=moment)
    db.session.flush()
    if len(older) > 7:
        manager = db.session.get(User, older[7].project.created_by_id)
        ledger.correct(manager, older[7], older[7].minutes - 20, "核实中途离岗 20 分钟", now=now)
    pending = [e for e in entries if e.served_on >= recent]
    if pending:
        ledger.open_dispute(pending[0].volunteer.user, pending[0].id, "我提前半小时到岗,请核实", now=now)

    demo = db.session.scalar(sa.select(User).where(User.phone == DEMO_VOLUNTEER_PHONE))
    project = db.session.scalar(sa.select(Project).where(Project.state == ProjectState.RUNNING).order_by(Project.id))
    if demo is None or project is None:
        return
    manager = db.session.get(User, project.created_by_id)
    # a manual entry has no station: staff over the project other than its author approve it
    admin = db.session.scalar(sa.select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.organisation_id == project.organisation_id, Membership.role == Role.LEAGUE_ADMIN))
    for days_ago, minutes, activity in ((6, 180, "重阳节敬老活动"), (4, 150, "助老上门探访")):
        entry = ledger.record_manual(manager, project, demo.volunteer, {
            "minutes": minutes, "activity_minutes": minutes, "activity": activity,
            "served_on": (now - timedelta(days=days_ago)).date(), "reason": "活动在站外,未扫码"}, now=now)
        db.session.flush()
        ledger.decide(admin, entry, Decision.APPROVE, now=now)
    waiting = ledger.record_manual(manager, project, demo.volunteer, {
        "minutes": 120, "activity_minutes": 120, "activity": "社区义诊协助",
        "served_on": (now - timedelta(days=1)).date(), "reason": "活动在站外,未扫码"}, now=now)
    db.session.flush()
    ledger.open_dispute(demo, waiting.id, "实际服务 2 小时 30 分,最后半小时在整理物资", now=now)
    db.session.commit()


def _seed_certificates(now: datetime) -> None:
    """青山镇's seal, and a certificate of the demo volunteer's approved hours, issued through the
    service (its QR code points at PUBLIC_URL, else where `make run` serves: served_address)."""
    admin = db.session.scalar(sa.select(User).where(User.phone == "13800000002"))
    demo = db.session.scalar(sa.select(User).where(User.phone == DEMO_VOLUNTEER_PHONE))
    if admin is None or demo is None:
        return
    town = db.session.scalar(sa.select(Organisation).where(Organisation.code == "LX-QS"))
    certificates.set_seal(admin, town, seal_png(town.name, font_path=current_app.config["CJK_FONT_PATH"]), "林书记",
                          now=now)
    # PUBLIC_URL, when set, wins over the base URL given here (certificates' verify_url)
    certificates.issue_certificate(admin, demo.volunteer, base_url=served_address(), now=now)
    db.session.commit()


def served_address() -> str:
    """Where `flask run` serves, as it reads it: FLASK_RUN_HOST and FLASK_RUN_PORT (`make run`
    sets both from HOST and PORT for the seed, which runs before the server), else its defaults.
    The PDF is made once at seed time, so its QR code must know the address beforehand."""
    host = os.environ.get("FLASK_RUN_HOST") or "127.0.0.1"
    port = os.environ.get("FLASK_RUN_PORT") or "5000"
    if _unspecified(host):  # every interface (0.0.0.0, ::): this machine's own browser reaches it here
        host = "127.0.0.1"
    if ":" in host:  # an IPv6 address is bracketed in a URL
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def _unspecified(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:  # a name, such as localhost
        return False


def demo_logins() -> list[tuple[str, str]]:
    """(phone, who) for the README and the home page of a demo deployment."""
    rows = [(phone, name) for phone, name, _role, _org in STAFF]
    rows += list(LEADS.items())
    rows.append((DEMO_VOLUNTEER_PHONE, "志愿者"))
    return rows

