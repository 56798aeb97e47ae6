"""What fuzzing the API (tests/api/test_fuzz.py) found, one regression test each: the document and
the server agree on what a request may hold."""
from __future__ import annotations

import re

import pytest

from tests.api.fuzz_hooks import without_controls
from tests.ledger.test_decisions import served  # noqa: F401 (a fixture)
from tests.ledger.test_ledger_api import pending  # noqa: F401 (a fixture)


def bearer(token):
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json


def request_texts(spec):
    """(where, schema) of every free text a client sends: bodies' properties and parameters."""
    schemas = spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        for parameter in operations.get("parameters", []):
            yield f"{path} {parameter['name']}", parameter["schema"]
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for parameter in operation.get("parameters", []):
                yield f"{method} {path} ?{parameter['name']}", parameter["schema"]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                shapes = [schemas[body["$ref"].rsplit("/", 1)[1]]]
                while shapes:
                    shape = shapes.pop()
                    for name, prop in shape.get("properties", {}).items():
                        if "$ref" in prop:
                            shapes.append(schemas[prop["$ref"].rsplit("/", 1)[1]])
                        else:
                            yield f"{method} {path} .{name}", prop


def test_every_text_a_client_sends_says_control_characters_are_refused(spec):
    """The edge refuses C0 controls in any text (422); the document said "any string"."""
    texts = [(where, prop) for where, prop in request_texts(spec)
             if prop.get("type") == "string" and "enum" not in prop and "format" not in prop]
    assert len(texts) > 40
    unsaid = [where for where, prop in texts
              if "pattern" not in prop or re.fullmatch(prop["pattern"], "a\x00b") or re.fullmatch(prop["pattern"], "a\x1fb")]
    assert unsaid == []
    assert all(re.fullmatch(prop["pattern"], "第一\tline\n") for _where, prop in texts)


def test_a_serial_in_a_path_says_so_too(client, spec):
    serial = spec["paths"]["/api/v1/verify/{serial}"]["parameters"][0]["schema"]
    assert not re.fullmatch(serial["pattern"], "LX\x18") and re.fullmatch(serial["pattern"], "LX-2027-000001")
    assert client.get("/api/v1/verify/LX%18").status_code == 422


def test_texts_a_service_requires_say_they_hold_more_than_spaces(client, spec, world, site, pending, api_token):  # noqa: F811
    note = spec["components"]["schemas"]["DisputeRequest"]["properties"]["note"]["pattern"]
    assert re.fullmatch(note, " 时长不对 ") and not re.fullmatch(note, " \u3000\n")
    for schema, field in (("ProjectCreate", "title"), ("PositionCreate", "title"), ("StationCreate", "name"),
                          ("ManualEntry", "reason"), ("Correction", "reason"), ("Reason", "reason"),
                          ("VolunteerCreate", "name")):
        assert spec["components"]["schemas"][schema]["properties"][field]["pattern"] == note, (schema, field)
    blank = client.post(f"/api/v1/ledger/{pending}/disputes", json={"note": "   "},
                        headers=bearer(api_token(world.a_volunteer)))
    assert blank.status_code == 422 and "note" in blank.json["error"]["fields"]


def test_project_filters_refuse_what_their_enum_does_not_list(client, spec):
    """state and category were listed as an enum and any other value answered 200 and nothing."""
    for query, message in (("state=AAA", "Please choose from the list."), ("category=sports", "Please choose a category.")):
        answer = client.get(f"/api/v1/projects?{query}", headers={"Accept-Language": "en"})
        assert answer.status_code == 422, query
        assert answer.json["error"]["fields"] == {query.split("=")[0]: [message]}
    assert client.get("/api/v1/projects?state=running&category=elderly").status_code == 200


def test_an_empty_day_of_the_summary_is_no_day(client, spec, world, api_token):
    """from and to are documented as dates: an empty one answered the default period."""
    parameters = {p["name"]: p["schema"] for p in spec["paths"]["/api/v1/reports/summary"]["get"]["parameters"]}
    assert parameters["to"]["format"] == "date" and parameters["to"]["minLength"] == 1
    token = api_token(world.city_admin)
    for query in ("to=", "from=&to=2027-03-01"):
        answer = client.get(f"/api/v1/reports/summary?{query}", headers=bearer(token))
        assert answer.status_code == 422, query
        assert list(answer.json["error"]["fields"].values()) == [["Must be a date (YYYY-MM-DD)."]]
    assert client.get("/api/v1/reports/summary?to=2027-03-01", headers=bearer(token)).status_code == 200


def test_bounds_the_services_keep_are_documented(client, spec, world, site, pending, api_token):  # noqa: F811
    schemas = spec["components"]["schemas"]
    for schema in ("ManualEntry", "Correction", "LedgerDecision"):
        assert (schemas[schema]["properties"]["minutes"]["minimum"],
                schemas[schema]["properties"]["minutes"]["maximum"]) == (0, 1440), schema
    assert schemas["PositionCreate"]["properties"]["capacity"]["minimum"] == 1
    assert schemas["ProjectCreate"]["properties"]["shift_minutes"]["maximum"] == 1440
    assert schemas["StationCreate"]["properties"]["radius_m"]["minimum"] == 10
    token = api_token(world.a_manager)
    client.post(f"/api/v1/ledger/{pending}/decision", json={"decision": "approve"}, headers=bearer(api_token(site.lead)))
    too_many = client.post(f"/api/v1/ledger/{pending}/corrections", json={"minutes": 1441, "reason": "核实"},
                           headers=bearer(token))
    assert too_many.status_code == 422 and "minutes" in too_many.json["error"]["fields"]


def test_applying_needs_no_body_as_the_document_now_says(app, client, spec, world, site, api_token):
    """The note is optional, so is the body: the document required one the server never did."""
    from volunteer.accounts.models import User
    from volunteer.core.time import utcnow
    from volunteer.extensions import db
    from volunteer.projects import services as projects
    from volunteer.projects.models import Project
    operation = spec["paths"]["/api/v1/positions/{position_id}/applications"]["post"]
    assert operation["requestBody"]["required"] is False
    with app.app_context():
        position = projects.add_position(db.session.get(User, world.a_manager.id),
                                         db.session.get(Project, site.project_id), {"title": "陪伴员", "capacity": 2},
                                         now=utcnow())
        db.session.commit()
        position_id = position.id
    answer = client.post(f"/api/v1/positions/{position_id}/applications", headers=bearer(api_token(world.a_volunteer)))
    assert answer.status_code == 201 and answer.json["note"] is None


def test_a_length_refusal_names_the_limit(client, world, site, pending, api_token):  # noqa: F811
    """"At most %(n)s characters." went out with its placeholder unfilled."""
    token = api_token(world.a_volunteer)
    long = client.post(f"/api/v1/ledger/{pending}/disputes", json={"note": "长" * 2001}, headers=bearer(token))
    assert long.json["error"]["fields"] == {"note": ["At most 2000 characters."]}
    empty = client.post("/api/v1/checkins", json={"code": ""}, headers=bearer(token))
    assert empty.json["error"]["fields"] == {"code": ["This field may not be empty."]}


def test_the_fuzzer_keeps_only_undeclared_fields_the_edge_lets_through():
    body = {"note": "好", "\x01x": 1, "y": "a\x00", "z": [{"w\x1f": 2, "v": ["ok", "b\x7f"]}], "k": {"j": None}}
    assert without_controls(body) == {"note": "好", "z": [{"v": ["ok"]}], "k": {"j": None}}
