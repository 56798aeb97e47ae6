"""The demo's practice programmes, set up and moved on through the practice services as their
admins, units and students would: the coming holidays' city programme in two-way selection (two host
units with their posts, students who applied with ranked choices, a shortlist, an interview, an
offer waiting for the demo volunteer and a student placed who acknowledged the commitment letter
and has still to confirm their insurance), next year's collecting posts, and last summer's closed:
its students placed and trained before the post, in a temporary branch whose secretary is the demo
volunteer, checking in daily at their units (whose contacts approved the hours), their weeks logged and commented on, its questionnaire answered, evaluated by
their units and certified; the coming programme's training is planned with a session to sign up for."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from PIL import Image

from volunteer.accounts.models import User, Volunteer
from volunteer.accounts.services import hash_password
from volunteer.checkin import services as checkin
from volunteer.core.time import DEFAULT_ZONE, local_date
from volunteer.extensions import db
from volunteer.ledger import services as ledger
from volunteer.ledger.models import LedgerEntry
from volunteer.organisations.services import get_by_code
from volunteer.practice import services as practice
from volunteer.practice.vocabulary import (
    PostChoiceState,
    PostKind,
    PracticeRating,
    ProgrammeState,
    QuestionKind,
    Season,
    UnitKind,
)
from volunteer.shifts import services as shifts
from volunteer.stations import codes
from volunteer.stations.models import Station

RULES = "因需设岗、按岗招人、双向选择、属地管理、就近就便。"
LETTER = ("本人自愿参加返家乡社会实践，承诺：\n一、遵守国家法律法规和实践单位的规章制度，服从安排；\n"
          "二、按时到岗，不迟到早退，有事提前请假；\n三、注意人身和财产安全，购买实践期间的意外保险；\n"
          "四、按时提交实践日志，如实反映实践情况。")
# organisation, unit, kind, contact, contact's phone (signs in with the demo password)
UNITS = (("LX-QS", "青山镇人民政府", UnitKind.GOVERNMENT, "青山镇 党政办 刘敏", "13700000001"),
         ("LX-BH-01", "白河社区居委会", UnitKind.VILLAGE_OR_COMMUNITY, "白河社区 孙浩", "13700000002"))
# unit index, title, kind, places, place of work, duties, requirements
POSTS = ((0, "政务服务助理", PostKind.GOVERNMENT, 2, "青山镇便民服务中心", "协助窗口接待、政策宣传和档案整理", "行政管理、法学等专业优先"),
         (0, "乡村振兴调研员", PostKind.RURAL, 1, "青山镇各村", "走访农户，整理村级产业资料", "能下村走访"),
         (1, "社区服务专员", PostKind.COMMUNITY, 2, "白河社区党群服务中心", "组织暑期托管、走访独居老人", None))
SCHOOLS = (("华东师范大学", "教育学"), ("浙江大学", "公共管理"), ("南京大学", "社会学"), ("临溪职业技术学院", "电子商务"))


def _user(phone: str) -> User:
    return db.session.scalar(sa.select(User).where(User.phone == phone))


def seed_practice(now: datetime, admin_phone: str, volunteer_phone: str, password: str, base_url: str) -> None:
    admin = _user(admin_phone)
    today = local_date(now)
    last = today.year if today >= date(today.year, 9, 1) else today.year - 1  # the summer past
    registered = datetime(last, 5, 1, 2, 0, tzinfo=now.tzinfo)
    units = []
    for code, name, kind, contact, phone in UNITS:
        unit = practice.register_unit(admin, get_by_code(code), {"name": name, "unit_kind": kind,
                                                                 "contact_name": contact, "contact_phone": phone},
                                      now=registered)
        unit.contact.password_hash = hash_password(password)
        units.append(unit)
    demo = _user(volunteer_phone).volunteer
    others = db.session.scalars(sa.select(Volunteer).where(
        Volunteer.id != demo.id, Volunteer.birth_date <= date(today.year - 19, 1, 1))
        .order_by(Volunteer.id).limit(3)).all()
    seed_closed(admin, units, [demo, *others], last, base_url)
    # the holidays coming next: winter's from October to March, else summer's
    season = Season.WINTER if today.month in (10, 11, 12, 1, 2, 3) else Season.SUMMER
    holidays = {Season.WINTER: "寒假", Season.SUMMER: "暑期"}[season]
    starts = today + timedelta(days=10)
    coming = practice.create_programme(admin, get_by_code("LX"), {
        "name": f"{starts.year}年{holidays}大学生返家乡社会实践", "season": season,
        "applications_open_on": today - timedelta(days=20), "applications_close_on": today - timedelta(days=2),
        "practice_starts_on": starts, "practice_ends_on": today + timedelta(days=50),
        "rules": RULES}, now=now - timedelta(days=30))
    practice.transition_programme(admin, coming, ProgrammeState.COLLECTING_POSTS, now=now - timedelta(days=29))
    posts = []
    for index, title, kind, places, where, duties, requirements in POSTS:
        unit = units[index]
        post = practice.submit_post(unit.contact, unit, coming, {
            "title": title, "post_kind": kind, "places": places, "place_of_work": where, "duties": duties,
            "requirements": requirements, "supervisor_name": unit.contact_name}, now=now - timedelta(days=25))
        practice.decide_post(admin, post, approve=True, now=now - timedelta(days=24))
        posts.append(post)
    practice.transition_programme(admin, coming, ProgrammeState.APPLICATIONS_OPEN, now=now - timedelta(days=20))
    students = [demo, *others]
    applications = []
    for number, (volunteer, (school, major)) in enumerate(zip(students, SCHOOLS, strict=False), start=1):
        ranked = [posts[0], posts[2], posts[1]] if number % 2 else [posts[2], posts[0]]
        applications.append(practice.apply(volunteer.user, coming, {
            "school_name": school, "student_number": f"{today.year - 2}{number:05d}", "major": major,
            "grade": f"{today.year - 2}级", "hometown": volunteer.organisation.code,
            "choices": [str(p.id) for p in ranked]}, now=now - timedelta(days=10 - number)))
    practice.transition_programme(admin, coming, ProgrammeState.MATCHING, now=now - timedelta(days=1))
    db.session.flush()
    first, community = units[0].contact, units[1].contact

    def choice(application, post):
        return next(c for c in application.choices if c.post_id == post.id)

    # the demo volunteer: an offer from 青山镇 to answer, an interview booked at 白河社区
    practice.unit_decides(first, choice(applications[0], posts[0]), PostChoiceState.OFFERED, now=now - timedelta(hours=20))
    practice.unit_decides(community, choice(applications[0], posts[2]), PostChoiceState.INTERVIEW,
                          interview_at=(now + timedelta(days=2)).replace(hour=6, minute=0, second=0, microsecond=0),
                          interview_place="白河社区党群服务中心二楼", now=now - timedelta(hours=19))
    if len(applications) > 1:  # another student offered and placed; a third shortlisted
        offered = choice(applications[1], posts[2])
        practice.unit_decides(community, offered, PostChoiceState.OFFERED, now=now - timedelta(hours=18))
        practice.accept_offer(applications[1].volunteer.user, offered, now=now - timedelta(hours=10))
        letter = practice.set_commitment(admin, coming, LETTER, now=now - timedelta(hours=12))
        practice.acknowledge_commitment(applications[1].volunteer.user, applications[1], letter.id,
                                        now=now - timedelta(hours=9))
        _hall, session = _training(admin, coming, today + timedelta(days=3), now=now - timedelta(hours=8))
        shifts.sign_up(applications[1].volunteer.user, session, now=now - timedelta(hours=7))
    if len(applications) > 2:
        practice.unit_decides(first, choice(applications[2], posts[0]), PostChoiceState.SHORTLISTED,
                              now=now - timedelta(hours=9))
    year = today.year + 1
    upcoming = practice.create_programme(admin, get_by_code("LX"), {
        "name": f"{year}年暑期大学生返家乡社会实践", "season": Season.SUMMER,
        "applications_open_on": date(year, 5, 10), "applications_close_on": date(year, 6, 10),
        "practice_starts_on": date(year, 7, 5), "practice_ends_on": date(year, 8, 20),
        "rules": RULES, "areas": ["LX-QS", "LX-BH", "LX-DZ"]}, now=now - timedelta(days=3))
    practice.transition_programme(admin, upcoming, ProgrammeState.COLLECTING_POSTS, now=now - timedelta(days=2))
    db.session.commit()


TRAINING_HALL = "青山镇青年之家"


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=DEFAULT_ZONE)


def _training(admin: User, programme, day: date, *, now: datetime):
    """The programme's pre-post training at the town's youth home, one session on ``day`` morning."""
    hall = db.session.scalar(sa.select(Station).where(Station.name == TRAINING_HALL))
    training = practice.set_up_training(admin, programme, hall.id, now=now)
    shift = shifts.create_shift(admin, training.position, {
        "station_id": hall.id, "starts_at": _local(day, 9), "ends_at": _local(day, 11), "capacity": 30,
        "note": "岗前培训：实践纪律、安全须知、岗位职责"}, now=now)
    return hall, shift


def _attend(user: User, station: Station, arrives: datetime, leaves: datetime) -> None:
    text = codes.make_code(station, codes.STATIC)
    checkin.scan_station_code(user, text, now=arrives)
    checkin.scan_station_code(user, text, now=leaves)


def _approve(actor: User, station: Station, now: datetime) -> None:
    pending = db.session.scalars(sa.select(LedgerEntry.id).where(LedgerEntry.station_id == station.id,
                                                                 LedgerEntry.is_pending)).all()
    ledger.approve_many(actor, list(pending), now=now)


def _moment(day: date, hour: int = 2) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=timezone.utc)


def _photo(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (480, 360), colour).save(out, format="JPEG")
    return out.getvalue()


# what each placed student logged of their weeks, and what their supervisor said
LOGS = ("熟悉岗位职责，跟随指导老师学习窗口接待流程。", "独立接待办事群众，协助整理档案三十余卷。",
        "参与政策宣传进村入户，制作宣传展板两块。", "协助开展暑期托管，为社区儿童辅导作业。")
COMMENTS = ("上手快，服务态度好。", "工作细致，能主动发现问题。")
SURVEY = (
    {"question_kind": QuestionKind.SINGLE, "prompt": "实践岗位与您的专业是否相关？", "options": "相关\n部分相关\n不相关",
     "required": True},
    {"question_kind": QuestionKind.MULTIPLE, "prompt": "本次实践您有哪些收获？（可多选）",
     "options": "了解家乡发展\n提升实践能力\n明确职业方向", "required": True},
    {"question_kind": QuestionKind.SCALE, "prompt": "您对本次实践的总体满意度", "required": True},
    {"question_kind": QuestionKind.TEXT, "prompt": "您对今后的返家乡实践有什么建议？", "required": False},
)
SUGGESTIONS = ("希望岗位信息更早发布。", "", "建议增加企业类岗位。", "")
RATINGS = (PracticeRating.EXCELLENT, PracticeRating.GOOD, PracticeRating.GOOD, PracticeRating.PASS)


def seed_closed(admin: User, units: list, students: list, year: int, base_url: str) -> None:
    """Last summer's programme walked through its whole lifecycle as it happened, and closed."""
    starts, ends = date(year, 7, 6), date(year, 8, 16)
    past = practice.create_programme(admin, get_by_code("LX"), {
        "name": f"{year}年暑期大学生返家乡社会实践", "season": Season.SUMMER,
        "applications_open_on": date(year, 6, 1), "applications_close_on": date(year, 6, 20),
        "practice_starts_on": starts, "practice_ends_on": ends, "rules": RULES}, now=_moment(date(year, 5, 6)))
    practice.transition_programme(admin, past, ProgrammeState.COLLECTING_POSTS, now=_moment(date(year, 5, 8)))
    posts = []
    for index, title, kind, places, where, duties, requirements in POSTS:
        unit = units[index]
        post = practice.submit_post(unit.contact, unit, past, {
            "title": title, "post_kind": kind, "places": places, "place_of_work": where, "duties": duties,
            "requirements": requirements, "supervisor_name": unit.contact_name}, now=_moment(date(year, 5, 15)))
        practice.decide_post(admin, post, approve=True, now=_moment(date(year, 5, 20)))
        posts.append(post)
    practice.transition_programme(admin, past, ProgrammeState.APPLICATIONS_OPEN, now=_moment(date(year, 6, 1)))
    applications = [practice.apply(volunteer.user, past, {
        "school_name": school, "student_number": f"{year - 1}{number:05d}", "major": major,
        "grade": f"{year - 1}级", "hometown": volunteer.organisation.code,
        "choices": [str(posts[(number - 1) % len(posts)].id)]}, now=_moment(date(year, 6, 2 + number)))
        for number, (volunteer, (school, major)) in enumerate(zip(students, SCHOOLS, strict=False), start=1)]
    practice.transition_programme(admin, past, ProgrammeState.MATCHING, now=_moment(date(year, 6, 21)))
    for application in applications:
        choice = application.choices[0]
        if choice.post.places_left:
            practice.unit_decides(choice.post.unit.contact, choice, PostChoiceState.OFFERED, now=_moment(date(year, 6, 24)))
            practice.accept_offer(application.volunteer.user, choice, now=_moment(date(year, 6, 25)))
    practice.set_commitment(admin, past, LETTER, now=_moment(date(year, 6, 26)))
    placed = [a for a in applications if a.is_placed]
    # the demo volunteer's own ledger stays as the rest of the demo made it: the others attend
    attending = [a for a in placed if a.volunteer_id != students[0].id]
    trained_on = starts - timedelta(days=4)
    hall, session = _training(admin, past, trained_on, now=_moment(date(year, 6, 26)))
    for application in attending:
        shifts.sign_up(application.volunteer.user, session, now=_moment(date(year, 6, 27)))
        _attend(application.volunteer.user, hall, _local(trained_on, 8, 55), _local(trained_on, 11, 0))
    _approve(admin, hall, _moment(trained_on + timedelta(days=1)))
    questions = [practice.add_question(admin, past, question, now=_moment(date(year, 6, 28))) for question in SURVEY]
    practice.transition_programme(admin, past, ProgrammeState.RUNNING, now=_moment(starts))
    branch = practice.form_branch(admin, past, "临溪市返家乡临时团支部", now=_moment(starts))
    members = practice.put_in_branch(admin, branch, [a.id for a in placed], now=_moment(starts))
    practice.set_secretary(admin, members[0], True, now=_moment(starts + timedelta(days=1)))  # the demo volunteer
    days = [starts + timedelta(days=n) for n in range(1, 15) if (starts + timedelta(days=n)).weekday() < 5]
    for number, application in enumerate(attending):
        station = application.placed_post.unit.station
        for day in days[:len(days) - number]:  # a day or two missed by some
            _attend(application.volunteer.user, station, _local(day, 9), _local(day, 17))
    for unit in (u for u in units if u.station is not None):
        _approve(unit.contact, unit.station, _moment(days[-1] + timedelta(days=1)))
    for number, application in enumerate(placed):
        weeks = practice.weeks_to_log(application, ends)[::-1][:2]
        for index, week in enumerate(weeks):
            log = practice.write_log(application.volunteer.user, application, {
                "week_of": week.isoformat(), "log_text": LOGS[(number + index) % len(LOGS)],
                "photos": [_photo((40 + 50 * number, 120, 90))] if index == 0 else []}, now=_moment(week + timedelta(days=5)))
            practice.comment_on_log(application.placed_post.unit.contact, log, COMMENTS[index % len(COMMENTS)],
                                    now=_moment(week + timedelta(days=6)))
    for number, application in enumerate(placed):
        single, several, scale, written = questions
        practice.answer_survey(application.volunteer.user, application, {
            f"q{single.id}": str(number % 2), f"q{several.id}": [str(i) for i in range(number % 3 + 1)],
            f"q{scale.id}": str(5 - number % 2), f"q{written.id}": SUGGESTIONS[number % len(SUGGESTIONS)]},
            now=_moment(ends - timedelta(days=2)))
    practice.transition_programme(admin, past, ProgrammeState.EVALUATING, now=_moment(ends + timedelta(days=1)))
    for number, application in enumerate(placed):
        post = application.placed_post
        practice.evaluate(post.unit.contact, application, {
            "rating": RATINGS[number % len(RATINGS)], "days_present": str(post.days - number),
            "comments": "实践期间遵守纪律，工作认真负责，能够将专业知识运用到基层工作中。"},
            now=_moment(ends + timedelta(days=3)))
        practice.issue_practice_certificate(admin, application, base_url=base_url,
                                            now=_moment(ends + timedelta(days=7)))
    practice.transition_programme(admin, past, ProgrammeState.CLOSED, now=_moment(ends + timedelta(days=14)))
