"""Before the post: the league writes the commitment letter in versions; a placed student
acknowledges the version they read (the time kept) and is asked again after a change; they
confirm their insurance; the programme's page counts who is ready. Not before they are placed,
not for another student, not by another town's admin."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from tests.conftest import csrf_from
from tests.practice.conftest import NOW, applied, choice_of, move, user_of
from volunteer.core.errors import Conflict, NotFound, ValidationFailed
from volunteer.extensions import db
from volunteer.practice import services as practice
from volunteer.practice.models import Programme, StudentApplication
from volunteer.practice.vocabulary import PostChoiceState, ProgrammeState


def placed(app, world, season):
    application_id = applied(app, world.a_volunteer, season.programme_id, [season.a1])
    with app.app_context():
        move(season.programme_id, ProgrammeState.MATCHING)
        practice.unit_decides(user_of(season.town_a), choice_of(application_id, season.a1), PostChoiceState.OFFERED,
                              now=NOW)
        practice.accept_offer(user_of(world.a_volunteer), choice_of(application_id, season.a1), now=NOW)
        db.session.commit()
    return application_id


def test_the_letter_is_versioned_and_a_change_asks_again(app, world, season):
    application_id = placed(app, world, season)
    with app.app_context():
        programme = db.session.get(Programme, season.programme_id)
        with pytest.raises(NotFound):
            practice.set_commitment(user_of(world.b_admin), programme, "乙镇的承诺书", now=NOW)
        with pytest.raises(ValidationFailed):
            practice.set_commitment(user_of(world.city_admin), programme, "承\x00诺", now=NOW)
        first = practice.set_commitment(user_of(world.city_admin), programme, "一、遵守纪律。\n二、注意安全。", now=NOW)
        db.session.commit()
        assert practice.set_commitment(user_of(world.city_admin), programme, "一、遵守纪律。\n二、注意安全。",
                                       now=NOW).id == first.id  # the same text is no new version
        application = db.session.get(StudentApplication, application_id)
        assert practice.readiness(programme) == (0, 1) and not application.is_ready_for_post(first)
        with pytest.raises(NotFound):
            practice.acknowledge_commitment(user_of(world.b_volunteer), application, first.id, now=NOW)
        practice.acknowledge_commitment(user_of(world.a_volunteer), application, first.id, now=NOW + timedelta(hours=1))
        with pytest.raises(ValidationFailed):
            practice.confirm_insurance(user_of(world.a_volunteer), application, " ", now=NOW)
        practice.confirm_insurance(user_of(world.a_volunteer), application, "中国人寿 学平险 P2027-001", now=NOW)
        db.session.commit()
        assert (application.committed_at, application.commitment.version) == (NOW + timedelta(hours=1), 1)
        assert practice.readiness(programme) == (1, 1)
        second = practice.set_commitment(user_of(world.city_admin), programme, "一、遵守纪律。\n二、注意安全。\n三、按时提交日志。",
                                         now=NOW)
        db.session.commit()
        assert second.version == 2 and practice.readiness(programme) == (0, 1)
        with pytest.raises(Conflict):  # the page read before the change names the old version
            practice.acknowledge_commitment(user_of(world.a_volunteer), application, first.id, now=NOW)
        practice.acknowledge_commitment(user_of(world.a_volunteer), application, second.id, now=NOW)
        db.session.commit()
        assert practice.readiness(programme) == (1, 1)


def test_nothing_before_the_student_is_placed(app, world, season):
    application_id = applied(app, world.a_volunteer, season.programme_id, [season.a1])
    with app.app_context():
        letter = practice.set_commitment(user_of(world.city_admin), db.session.get(Programme, season.programme_id),
                                         "承诺书", now=NOW)
        db.session.commit()
        application = db.session.get(StudentApplication, application_id)
        with pytest.raises(Conflict):
            practice.acknowledge_commitment(user_of(world.a_volunteer), application, letter.id, now=NOW)
        with pytest.raises(Conflict):
            practice.confirm_insurance(user_of(world.a_volunteer), application, "学平险", now=NOW)


def test_the_pages_of_the_letter_and_the_insurance(app, world, season, signed_in):
    application_id = placed(app, world, season)
    city = signed_in(world.city_admin)
    page = city.get(f"/practice/{season.programme_id}").get_data(as_text=True)
    city.client.post(f"/practice/{season.programme_id}/commitment", data={"csrf_token": csrf_from(page),
                                                                          "letter": "一、遵守纪律。\n二、注意安全。"})
    student = signed_in(world.a_volunteer)
    mine = student.get(f"/practice/mine/{application_id}").get_data(as_text=True)
    assert "承诺书（第 1 版）" in mine and "二、注意安全。" in mine and "上岗前还有事项待完成" in mine
    with app.app_context():
        letter_id = practice.current_commitment(db.session.get(Programme, season.programme_id)).id
    student.client.post(f"/practice/mine/{application_id}/commit", data={"csrf_token": csrf_from(mine),
                                                                         "commitment": str(letter_id)})
    student.client.post(f"/practice/mine/{application_id}/insurance", data={"csrf_token": csrf_from(mine),
                                                                            "insurance": "学平险 P001"})
    done = student.get(f"/practice/mine/{application_id}").get_data(as_text=True)
    assert 'data-testid="committed"' in done and "已做好上岗准备" in done and "学平险 P001" in done
    assert "1 名已做好上岗准备" in city.get(f"/practice/{season.programme_id}").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(StudentApplication.insurance)) == "学平险 P001"


def test_a_photo_of_the_policy_is_kept_as_our_own_jpeg_for_the_student_and_the_league(app, world, season, signed_in):
    from tests.practice.test_at_post import jpeg_with_location
    application_id = placed(app, world, season)
    with app.app_context():
        application = db.session.get(StudentApplication, application_id)
        with pytest.raises(ValidationFailed) as refused:
            practice.confirm_insurance(user_of(world.a_volunteer), application, "学平险 P001", proof=b"not a photo",
                                       now=NOW)
        assert "proof" in refused.value.fields
        db.session.rollback()
        assert db.session.get(StudentApplication, application_id).insured_at is None  # nothing kept
    student = signed_in(world.a_volunteer)
    url = f"/practice/mine/{application_id}"
    sent = student.post_form(f"{url}/insurance", {"insurance": "学平险 P001",
                                                  "proof": (io.BytesIO(jpeg_with_location()), "policy.jpg")},
                             form_url=url, content_type="multipart/form-data")
    assert sent.status_code == 302
    assert 'data-testid="insurance-proof"' in student.get(url).get_data(as_text=True)
    photo = student.get(f"/practice/applications/{application_id}/insurance.jpg")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(photo.data)) as image:
        assert image.format == "JPEG" and not image.getexif()  # the phone's metadata is gone
    city = signed_in(world.city_admin)
    assert city.get(f"/practice/applications/{application_id}/insurance.jpg").data == photo.data
    assert "学平险 P001" in city.get(f"/practice/{season.programme_id}/attendance").get_data(as_text=True)
    for outsider in (world.b_admin, world.b_volunteer):
        assert signed_in(outsider).get(f"/practice/applications/{application_id}/insurance.jpg").status_code == 404
