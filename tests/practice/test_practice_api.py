"""The student's phone: programmes open now, their posts by kind and words, applying with ranked
choices (refusals as field errors, a second application a conflict), where each choice stands,
accepting an offer once, and the weekly logs of the post."""
from __future__ import annotations

from tests.practice.conftest import choice_of, move, user_of
from tests.practice.test_at_post import place
from tests.practice.test_at_post_pages import under_way_today
from volunteer.core.time import local_date, utcnow
from volunteer.extensions import db
from volunteer.practice import services as practice
from volunteer.practice.models import StudentApplication
from volunteer.practice.vocabulary import PostChoiceState, PostKind, ProgrammeState, StudentApplicationState


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


APPLICATION = {"school_name": "复旦大学", "student_number": "20250001", "major": "法学", "grade": "2025级",
               "hometown": "LX-A-1"}


def test_a_student_finds_posts_applies_and_accepts_an_offer(app, client, world, season, api_token):
    listed = client.get("/api/v1/practice/programmes").json
    assert [p["id"] for p in listed] == [season.programme_id] and listed[0]["season"] == "summer"
    posts = client.get(f"/api/v1/practice/programmes/{season.programme_id}/posts").json
    assert posts["total"] == 3 and {p["unit"]["name"] for p in posts["items"]} == {"甲镇人民政府", "乙镇人民政府"}
    rural = client.get(f"/api/v1/practice/programmes/{season.programme_id}/posts?kind={PostKind.RURAL}").json
    assert [p["id"] for p in rural["items"]] == [season.a2]
    assert client.get(f"/api/v1/practice/programmes/{season.programme_id}/posts?organisation=LX-B").json["total"] == 1
    assert client.get(f"/api/v1/practice/programmes/{season.programme_id}/posts?q=社区").json["total"] == 1
    assert client.get("/api/v1/practice/programmes/999999/posts").status_code == 404

    token = bearer(api_token(world.a_volunteer))
    path = f"/api/v1/practice/programmes/{season.programme_id}/applications"
    assert client.post(path, json={**APPLICATION, "choices": [season.a1]}).status_code == 401
    refused = client.post(path, json={**APPLICATION, "hometown": "LX-Z", "choices": [season.a1, season.a1]}, headers=token)
    assert refused.status_code == 422 and {"hometown", "choices"} <= set(refused.json["error"]["fields"])
    assert client.post(path, json={**APPLICATION, "choices": [1, 2, 3, 4]}, headers=token).status_code == 422
    made = client.post(path, json={**APPLICATION, "choices": [season.a1, season.b1]}, headers=token)
    assert made.status_code == 201, made.json
    body = made.json
    assert body["state"] == StudentApplicationState.CHOOSING and [c["post"]["id"] for c in body["choices"]] == [
        season.a1, season.b1] and [c["rank"] for c in body["choices"]] == [1, 2]
    again = client.post(path, json={**APPLICATION, "choices": [season.a2]}, headers=token)
    assert again.status_code == 409 and again.json["error"]["code"] == "already_applied"

    with app.app_context():
        move(season.programme_id, ProgrammeState.MATCHING)
        for post_id, unit in ((season.a1, season.town_a), (season.b1, season.town_b)):
            practice.unit_decides(user_of(unit), choice_of(body["id"], post_id), PostChoiceState.OFFERED, now=utcnow())
        db.session.commit()
    mine = client.get("/api/v1/practice/applications", headers=token).json
    offers = [c for c in mine[0]["choices"] if c["can_be_answered"]]
    assert len(offers) == 2 and all(c["state"] == PostChoiceState.OFFERED for c in offers)
    other = bearer(api_token(world.b_volunteer))
    assert client.post(f"/api/v1/practice/choices/{offers[0]['id']}/accept", headers=other).status_code == 404
    accepted = client.post(f"/api/v1/practice/choices/{offers[0]['id']}/accept", headers=token)
    assert accepted.status_code == 200 and accepted.json["state"] == PostChoiceState.ACCEPTED
    late = client.post(f"/api/v1/practice/choices/{offers[1]['id']}/accept", headers=token)
    assert late.status_code == 409  # accepting one withdrew the other
    mine = client.get("/api/v1/practice/applications", headers=token).json[0]
    assert mine["state"] == StudentApplicationState.PLACED and mine["placed_post_id"] == season.a1
    assert client.get("/api/v1/practice/applications", headers=other).json == []


def test_a_placed_student_writes_the_logs_of_their_weeks(app, client, world, season, api_token):
    first, = place(app, season, (world.a_volunteer, season.a1))
    under_way_today(app, season)
    token = bearer(api_token(world.a_volunteer))
    path = f"/api/v1/practice/applications/{first}/logs"
    assert client.get(path, headers=token).json == []
    with app.app_context():
        weeks = practice.weeks_to_log(db.session.get(StudentApplication, first), local_date(utcnow()))
    future = client.post(path, json={"week_of": "2099-01-05", "log_text": "未来"}, headers=token)
    assert future.status_code == 422 and "week_of" in future.json["error"]["fields"]
    written = client.post(path, json={"week_of": weeks[0].isoformat(), "log_text": "走访独居老人 6 户。"}, headers=token)
    assert written.status_code == 201 and written.json["is_editable"] is True
    assert client.post(path, json={"week_of": weeks[0].isoformat(), "log_text": "x"},
                       headers=bearer(api_token(world.b_volunteer))).status_code == 404
    with app.app_context():
        log = practice.get_log_for(user_of(season.town_a), written.json["id"])
        practice.comment_on_log(user_of(season.town_a), log, "细致。", now=utcnow())
        db.session.commit()
    logs = client.get(path, headers=token).json
    assert [(g["log_text"], g["comment"], g["is_editable"]) for g in logs] == [("走访独居老人 6 户。", "细致。", False)]
    fixed = client.post(path, json={"week_of": weeks[0].isoformat(), "log_text": "改"}, headers=token)
    assert fixed.status_code == 409
