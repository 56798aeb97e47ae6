"""Hostile input at the door (issue 13, findings 2 and 5): a NUL byte or another control
character anywhere a request carries text, and JSON nested 100,000 deep, are a clear 422 or
400 before any query runs (on PostgreSQL they were 500s: psycopg.DataError, RecursionError),
and nothing is written. Tab and newline are text and pass."""
from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import csrf_from
from volunteer.accounts.models import User, Volunteer
from volunteer.core.models import Event
from volunteer.extensions import db
from volunteer.projects.models import Project

DEEP = "[" * 100_000 + "]" * 100_000


def _counts(app) -> tuple[int, int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (User, Volunteer, Project,
                                                                                           Event))


def test_a_nul_byte_is_refused_everywhere_before_the_database_sees_it(app, client, world, api_token, signed_in,
                                                                     factory):
    before = _counts(app)
    token = client.post("/api/v1/auth/token", json={"login": "13900000001\u0000", "password": "secret123"})
    assert token.status_code == 422 and token.json["error"]["fields"] == {"login": ["不能包含控制字符（如 NUL）。"]}
    assert client.get("/api/v1/verify/LX%00QS").status_code == 422
    assert client.get("/api/v1/organisations?parent=LX%00").status_code == 422
    registration = client.post("/api/v1/volunteers", json={**factory.volunteer_data("LX-A-1"), "name": "张\u0000三"})
    assert registration.status_code == 422 and set(registration.json["error"]["fields"]) == {"name"}
    manager = {"Authorization": f"Bearer {api_token(world.a_manager)}"}
    project = client.post("/api/v1/projects", headers=manager,
                          json={"organisation_code": "LX-A", "title": "社区\u001b服务", "category": "elderly"})
    assert project.status_code == 422 and "title" in project.json["error"]["fields"]
    staff = signed_in(world.city_admin)
    for url in ("/projects?q=a%00b", "/projects?category=%00", "/volunteers?q=%07", "/organisations/?parent=LX%00"):
        page = staff.get(url)
        assert page.status_code == 422 and "控制字符" in page.get_data(as_text=True), url
    form = client.get("/register")
    refused = client.post("/register", data={"csrf_token": csrf_from(form.get_data(as_text=True)),
                                             **factory.volunteer_data("LX-A-1"), "name": "李\u0000四"})
    assert refused.status_code == 422
    assert _counts(app) == before  # nothing written, not even an event


def test_json_nested_without_end_is_a_400_not_a_crash(app, client, world, api_token):
    for url in ("/api/v1/auth/token", "/api/v1/volunteers"):
        response = client.post(url, data=DEEP, content_type="application/json")
        assert response.status_code == 400 and response.json["error"]["code"] == "bad_request", url
        assert response.json["error"]["message"] == "JSON 嵌套层级过深。"
    brackets_in_text = client.post("/api/v1/auth/token", json={"login": "[" * 1000, "password": "x"})
    assert brackets_in_text.status_code == 401  # inside a string they are text


def test_tabs_and_newlines_are_text(app, client, world, api_token):
    manager = {"Authorization": f"Bearer {api_token(world.a_manager)}"}
    created = client.post("/api/v1/projects", headers=manager,
                          json={"organisation_code": "LX-A", "title": "社区服务", "category": "elderly",
                                "description": "第一行\n\t第二行\r\n第三行"})
    assert created.status_code == 201 and created.json["description"] == "第一行\n\t第二行\r\n第三行"


def test_a_method_not_allowed_says_which_are(client):
    """Issue 13, finding 9: 405 answers carried no Allow header."""
    for url in ("/api/v1/auth/token", "/login"):
        response = client.put(url)
        assert response.status_code == 405 and "POST" in response.headers["Allow"], url
