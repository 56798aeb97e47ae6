"""Applications and two-way selection: a student applies with up to three ranked choices among
approved posts within the window (a minor with their guardian's consent), changes them while
applications are open and withdraws; units shortlist, book interviews, offer or say no, each step
told; a student holds at most one accepted offer and a post's places are never exceeded, also
when everything happens at once; the league places the unplaced by hand."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from tests.practice.conftest import NOW, TODAY, applied, choice_of, move, user_of
from volunteer.core.errors import DomainError, NotFound, ValidationFailed
from volunteer.extensions import db
from volunteer.notifications import services as notifications
from volunteer.notifications.models import Notice
from volunteer.notifications.vocabulary import NoticeKind
from volunteer.practice import services as practice
from volunteer.practice.errors import AlreadyApplied, AlreadyPlaced, ChoiceClosed, NotInStage, PostFull
from volunteer.practice.models import Post, PostChoice, Programme, StudentApplication
from volunteer.practice.vocabulary import PostChoiceState, ProgrammeState, StudentApplicationState

C = PostChoiceState


def test_a_student_applies_with_ranked_choices_and_sees_where_each_stands(app, world, season):
    application_id = applied(app, world.a_volunteer, season.programme_id, [season.b1, season.a1, season.a2])
    with app.app_context():
        application = db.session.get(StudentApplication, application_id)
        assert [(c.rank, c.post.title, c.state) for c in application.choices] == [
            (1, "社区服务助理", C.WAITING), (2, "政务服务助理", C.WAITING), (3, "乡村振兴专员", C.WAITING)]
        assert (application.school_name, application.hometown.code) == ("华东师范大学", "LX-A-1")
        assert [a.id for a in practice.applications_of(user_of(world.a_volunteer))] == [application_id]
        assert practice.last_details(user_of(world.a_volunteer))["student_number"] == application.student_number
        practice.change_choices(user_of(world.a_volunteer), application, [str(season.a2)], now=NOW)
        db.session.commit()
        assert [c.post_id for c in db.session.get(StudentApplication, application_id).choices] == [season.a2]
        with pytest.raises(NotFound):  # another student does not see it
            practice.get_own_application(user_of(world.b_volunteer), application_id)
    with app.app_context(), pytest.raises(AlreadyApplied):
        applied(app, world.a_volunteer, season.programme_id, [season.a1])


def test_bad_applications_are_refused_field_by_field(app, world, season, factory):
    with app.app_context():
        programme = db.session.get(Programme, season.programme_id)
        with pytest.raises(ValidationFailed) as four:
            practice.apply(user_of(world.a_volunteer), programme, {
                "school_name": "", "student_number": "", "major": "", "grade": "", "hometown": "QT",
                "choices": [str(season.a1), str(season.a2), str(season.b1), str(season.a1)]}, now=NOW)
        assert set(four.value.fields) == {"school_name", "student_number", "major", "grade", "hometown", "choices"}
        assert any("3" in str(m) for m in four.value.fields["choices"])
        with pytest.raises(ValidationFailed) as none:
            practice.apply(user_of(world.a_volunteer), programme, {
                "school_name": "复旦", "student_number": "1", "major": "法学", "grade": "大一", "hometown": "LX-A",
                "choices": ["", "99999", "abc"]}, now=NOW)
        assert set(none.value.fields) == {"choices"}
    minor = factory.volunteer("LX-A-1", born=TODAY.replace(year=TODAY.year - 16) - timedelta(days=3), guardian={
        "name": "家长", "phone": "13600000001", "consent": True})
    with app.app_context():
        with pytest.raises(ValidationFailed) as consent:
            practice.apply(user_of(minor), db.session.get(Programme, season.programme_id), {
                "school_name": "临溪中学", "student_number": "1", "major": "—", "grade": "高一", "hometown": "LX-A",
                "choices": [str(season.a1)]}, now=NOW)
        assert set(consent.value.fields) == {"guardian_consent"}
        db.session.rollback()
    made = applied(app, minor, season.programme_id, [season.a1], guardian_consent=True)
    with app.app_context():
        assert db.session.get(StudentApplication, made).guardian_consent_at == NOW


def test_applications_only_within_the_window_and_stage(app, world, season):
    with app.app_context():
        programme = db.session.get(Programme, season.programme_id)
        with pytest.raises(NotInStage) as late:
            practice.apply(user_of(world.a_volunteer), programme, {}, now=NOW + timedelta(days=11))
        assert str(programme.applications_close_on) in str(late.value.message)
        assert practice.open_programmes(NOW + timedelta(days=11)) == []
        assert [p.id for p in practice.open_programmes(NOW)] == [programme.id]


def offers(app, season, world):
    """Two students: the first chose both towns' posts, the second town A's one-place post."""
    first = applied(app, world.a_volunteer, season.programme_id, [season.a2, season.b1])
    second = applied(app, world.b_volunteer, season.programme_id, [season.a2])
    with app.app_context():
        move(season.programme_id, ProgrammeState.MATCHING)
    return first, second


def test_units_move_choices_on_and_each_step_is_told(app, world, season):
    first, second = offers(app, season, world)
    with app.app_context():
        choice = choice_of(first, season.a2)
        contact = user_of(season.town_a)
        assert {c.application_id for c in practice.applicants_of(practice.get_unit_for(contact, season.town_a.id))} == {
            first, second}
        assert practice.applicants_of(practice.get_unit_for(user_of(season.town_b), season.town_b.id))[0]\
            .application_id == first  # town B's unit sees only who chose its post
        with pytest.raises(NotFound):
            practice.get_choice_for_unit(user_of(season.town_b), choice.id)
        practice.unit_decides(contact, choice, C.SHORTLISTED, now=NOW)
        with pytest.raises(ValidationFailed) as past:
            practice.unit_decides(contact, choice, C.INTERVIEW, interview_at=(NOW - timedelta(hours=1)).isoformat(),
                                  interview_place="", now=NOW)
        assert set(past.value.fields) == {"interview_at", "interview_place"}
        practice.unit_decides(contact, choice, C.INTERVIEW, interview_at="2030-06-15T14:00", interview_place="镇政府三楼",
                              now=NOW)
        practice.unit_decides(contact, choice, C.OFFERED, now=NOW)
        db.session.commit()
        told = db.session.scalars(sa.select(Notice).where(Notice.user_id == world.a_volunteer.user_id,
                                                          Notice.kind.in_([NoticeKind.SELECTION_STEP,
                                                                           NoticeKind.OFFER_RECEIVED]))
                                  .order_by(Notice.id)).all()
        assert [n.kind for n in told] == [NoticeKind.SELECTION_STEP, NoticeKind.SELECTION_STEP, NoticeKind.OFFER_RECEIVED]
        assert "2030-06-15 14:00" in notifications.words_of(told[1])[1] and "镇政府三楼" in notifications.words_of(told[1])[1]
        with pytest.raises(ChoiceClosed):  # offered already: no shortlisting back
            practice.unit_decides(contact, choice, C.SHORTLISTED, now=NOW)
        practice.unit_decides(contact, choice_of(second, season.a2), C.NOT_CHOSEN, now=NOW)
        db.session.commit()
        assert choice_of(second, season.a2).state == C.NOT_CHOSEN


def test_two_offers_at_once_leave_one_accepted_and_the_post_within_its_places(app, world, season):
    first, second = offers(app, season, world)
    with app.app_context():
        for application_id, post_id, contact in ((first, season.a2, season.town_a), (first, season.b1, season.town_b),
                                                 (second, season.a2, season.town_a)):
            practice.unit_decides(user_of(contact), choice_of(application_id, post_id), C.OFFERED, now=NOW)
        db.session.commit()
        ids = {(first, season.a2): choice_of(first, season.a2).id, (first, season.b1): choice_of(first, season.b1).id,
               (second, season.a2): choice_of(second, season.a2).id}
    answers, gate = {}, threading.Barrier(3)

    def accept(key, person):
        with app.app_context():
            gate.wait()
            try:
                practice.accept_offer(user_of(person), db.session.get(PostChoice, ids[key]), now=NOW)
                db.session.commit()
                answers[key] = "accepted"
            except DomainError as refused:
                db.session.rollback()
                answers[key] = type(refused).__name__
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=(key, person)) for key, person in (
        ((first, season.a2), world.a_volunteer), ((first, season.b1), world.a_volunteer),
        ((second, season.a2), world.b_volunteer))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        accepted = db.session.scalars(sa.select(PostChoice).where(PostChoice.state == C.ACCEPTED)).all()
        per_student = {}
        for choice in accepted:
            per_student[choice.application_id] = per_student.get(choice.application_id, 0) + 1
        assert all(n == 1 for n in per_student.values()) and per_student.get(first) == 1
        a2 = db.session.get(Post, season.a2)
        assert a2.filled == sum(1 for c in accepted if c.post_id == season.a2) <= a2.places == 1
        assert sum(p.filled for p in db.session.scalars(sa.select(Post))) == len(accepted)
        refused = [v for v in answers.values() if v != "accepted"]
        assert set(refused) <= {"AlreadyPlaced", "ChoiceClosed", "PostFull"} and len(answers) == 3
        placed = db.session.get(StudentApplication, first)
        assert placed.state == StudentApplicationState.PLACED
        assert [c.state for c in placed.choices if c.state != C.ACCEPTED] == [C.WITHDRAWN]


def test_a_full_post_refuses_the_next_acceptance_and_the_league_places_by_hand(app, world, season):
    first, second = offers(app, season, world)
    with app.app_context():
        for application_id in (first, second):
            practice.unit_decides(user_of(season.town_a), choice_of(application_id, season.a2), C.OFFERED, now=NOW)
        db.session.commit()
        practice.accept_offer(user_of(world.b_volunteer), choice_of(second, season.a2), now=NOW)
        db.session.commit()
        with pytest.raises(PostFull):
            practice.accept_offer(user_of(world.a_volunteer), choice_of(first, season.a2), now=NOW)
        db.session.rollback()
        programme = db.session.get(Programme, season.programme_id)
        assert [a.id for a in practice.unplaced(programme)] == [first]
        assert {p.id for p in practice.unfilled(programme)} == {season.a1, season.b1}
        with pytest.raises(NotFound):  # another town's admin does not run the city's programme
            practice.place_by_hand(user_of(world.b_admin), db.session.get(StudentApplication, first),
                                   db.session.get(Post, season.a1), now=NOW)
        with pytest.raises(PostFull):
            practice.place_by_hand(user_of(world.city_admin), db.session.get(StudentApplication, first),
                                   db.session.get(Post, season.a2), now=NOW)
        db.session.rollback()
        practice.place_by_hand(user_of(world.city_admin), db.session.get(StudentApplication, first),
                               db.session.get(Post, season.a1), now=NOW)
        db.session.commit()
        application = db.session.get(StudentApplication, first)
        assert (application.state, application.placed_post_id) == (StudentApplicationState.PLACED, season.a1)
        assert practice.unplaced(programme) == []
        placed = db.session.scalars(sa.select(Notice.user_id).where(Notice.kind == NoticeKind.STUDENT_PLACED)).all()
        assert sorted(placed) == sorted([world.a_volunteer.user_id, season.town_a.user_id])
        with pytest.raises(AlreadyPlaced):
            practice.place_by_hand(user_of(world.city_admin), application, db.session.get(Post, season.b1), now=NOW)


def test_a_withdrawn_application_leaves_the_units_lists(app, world, season):
    application_id = applied(app, world.a_volunteer, season.programme_id, [season.a1])
    with app.app_context():
        practice.withdraw_application(user_of(world.a_volunteer), db.session.get(StudentApplication, application_id),
                                      now=NOW)
        db.session.commit()
        assert practice.applicants_of(practice.get_unit_for(user_of(season.town_a), season.town_a.id)) == []
        assert choice_of(application_id, season.a1).state == C.WITHDRAWN


def test_a_post_someone_accepted_cannot_be_withdrawn_even_from_a_stale_read(app, world, season):
    first, _second = offers(app, season, world)
    with app.app_context():
        practice.unit_decides(user_of(season.town_b), choice_of(first, season.b1), C.OFFERED, now=NOW)
        practice.accept_offer(user_of(world.a_volunteer), choice_of(first, season.b1), now=NOW)
        db.session.commit()
        stale = db.session.get(Post, season.b1)
        set_committed_value(stale, "filled", 0)  # as read by a page before the student accepted
        with pytest.raises(DomainError):
            practice.withdraw_post(user_of(season.town_b), stale, now=NOW)
        db.session.rollback()
        assert db.session.get(Post, season.b1).is_offered and db.session.get(Post, season.b1).filled == 1


def test_choices_that_look_like_numbers_but_are_not_are_refused(app, world, season):
    with app.app_context(), pytest.raises(ValidationFailed) as odd:
        practice.apply(user_of(world.a_volunteer), db.session.get(Programme, season.programme_id), {
            "school_name": "复旦", "student_number": "1", "major": "法学", "grade": "大一", "hometown": "LX-A",
            "choices": ["²", "１２"]}, now=NOW)
    assert set(odd.value.fields) == {"choices"}


def test_those_whose_choices_end_by_someone_elses_step_are_told(app, world, season):
    """Accepting one offer ends the student's other choices: those units are told; a unit
    withdrawing its post ends the students' choices of it: those students are told."""
    first, second = offers(app, season, world)
    with app.app_context():
        practice.unit_decides(user_of(season.town_a), choice_of(first, season.a2), C.OFFERED, now=NOW)
        practice.unit_decides(user_of(season.town_b), choice_of(first, season.b1), C.OFFERED, now=NOW)
        db.session.commit()
        practice.accept_offer(user_of(world.a_volunteer), choice_of(first, season.b1), now=NOW)
        db.session.commit()
        town_a = db.session.scalars(sa.select(Notice).where(Notice.user_id == season.town_a.user_id,
                                                            Notice.kind == NoticeKind.PLACED_ELSEWHERE)).all()
        assert len(town_a) == 1 and town_a[0].payload["post"] == db.session.get(Post, season.a2).title
        assert town_a[0].payload["student"] == world.a_volunteer.name
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Notice).where(
            Notice.user_id == world.b_volunteer.user_id, Notice.kind == NoticeKind.SELECTION_STEP))
        post = db.session.get(Post, season.a2)
        practice.withdraw_post(user_of(season.town_a), post, now=NOW)
        db.session.commit()
        told = db.session.scalars(sa.select(Notice).where(Notice.user_id == world.b_volunteer.user_id,
                                                          Notice.kind == NoticeKind.SELECTION_STEP)).all()
        assert len(told) == before + 1 and told[-1].payload["post"] == post.title
        assert choice_of(second, season.a2).state == C.WITHDRAWN
        # 王小明's choice of it had ended already: they are not told again
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notice).where(
            Notice.user_id == world.a_volunteer.user_id, Notice.kind == NoticeKind.SELECTION_STEP,
            Notice.payload["post"].as_string() == post.title)) == 0
