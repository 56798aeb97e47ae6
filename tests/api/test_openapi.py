"""The served OpenAPI document describes every /api/v1 route the app has."""
import re


def test_openapi_documents_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and not rule.rule.endswith("openapi.json"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                served.add((path, method))
    assert served and served <= documented, served - documented


def test_openapi_has_the_error_shape_and_bearer_scheme(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    error = spec["components"]["schemas"]["Error"]
    assert "error" in error["properties"]
    me = spec["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}]


def _schemas(client) -> dict:
    return client.get("/api/v1/openapi.json").json["components"]["schemas"]


def test_every_closed_set_is_an_enum_of_its_vocabulary(client):
    """A client learns the values from the document: each field of a closed set lists exactly the
    values its domain's vocabulary declares."""
    from volunteer.accounts.vocabulary import PoliticalStatus
    from volunteer.certificates.vocabulary import CertificateStatus
    from volunteer.checkin.vocabulary import ScanAction, SessionSource, SessionState
    from volunteer.ledger.vocabulary import Decision, DisputeState, EntrySource, EntryState, Flag, Resolution
    from volunteer.organisations.vocabulary import OrganisationKind, Role
    from volunteer.projects.vocabulary import ApplicationState, Category, Level, ProjectState
    from volunteer.stations.vocabulary import CodeKind, StationKind
    schemas = _schemas(client)
    expected = {
        ("Project", "category"): Category, ("Project", "level"): Level, ("Project", "state"): ProjectState,
        ("ProjectCreate", "category"): Category, ("TransitionRequest", "to"): ProjectState,
        ("Application", "state"): ApplicationState, ("Organisation", "kind"): OrganisationKind,
        ("Role", "role"): Role, ("VolunteerCreate", "political_status"): PoliticalStatus,
        ("Station", "kind"): StationKind, ("Session", "state"): SessionState, ("Session", "source"): SessionSource,
        ("LedgerEntry", "state"): EntryState,
        ("LedgerEntry", "source"): EntrySource, ("LedgerDecision", "decision"): Decision,
        ("Dispute", "state"): DisputeState, ("Dispute", "resolution"): Resolution,
        ("Certificate", "status"): CertificateStatus, ("Verification", "status"): CertificateStatus,
    }
    for (schema, field), vocabulary in expected.items():
        assert schemas[schema]["properties"][field]["enum"] == list(vocabulary.values()), (schema, field)
    assert schemas["LedgerEntry"]["properties"]["flags"]["items"]["enum"] == list(Flag.values())
    # a refusal is an error answer: the result of a scan is one of the other three
    assert schemas["CheckinResult"]["properties"]["action"]["enum"] == [a for a in ScanAction.values() if a != "refused"]
    assert schemas["Project"]["properties"]["category"]["enum"] == [
        "elderly", "disability", "education", "environment", "emergency", "civility", "major_event", "community",
        "social_practice", "other"]  # API.md's list, and a practice programme's projects (README)
    spec = client.get("/api/v1/openapi.json").json
    query = {p["name"]: p for p in spec["paths"]["/api/v1/projects"]["get"]["parameters"]}
    assert query["category"]["schema"]["enum"] == list(Category.values())
    qr = {p["name"]: p for p in spec["paths"]["/api/v1/stations/{station_id}/qr"]["get"]["parameters"]}
    assert qr["kind"]["schema"]["enum"] == list(CodeKind.values())


def test_the_refusal_codes_and_the_disputes_endpoint_are_documented(client):
    spec = client.get("/api/v1/openapi.json").json
    codes = spec["components"]["schemas"]["ErrorBody"]["properties"]["code"]["enum"]
    for code in ("not_a_volunteer", "rotating_code_required", "daily_limit_reached", "already_disputed",
                 "project_required", "own_hours", "needs_higher_approval", "no_approved_hours"):
        assert code in codes
    check_in = spec["paths"]["/api/v1/checkins"]["post"]["responses"]
    assert "not_a_volunteer" in check_in["403"]["description"]
    assert "rotating_code_required" in check_in["400"]["description"]
    assert "daily_limit_reached" in check_in["409"]["description"]
    disputes = spec["paths"]["/api/v1/ledger/{entry_id}/disputes"]["post"]
    assert "already_disputed" in disputes["responses"]["409"]["description"]
    assert disputes["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/DisputeRequest")


def test_me_answers_the_volunteer_id_that_registration_answered(app, client, factory):
    factory.org("LX", kind="city")
    factory.org("LX-A", parent="LX")
    factory.staff("manager", "LX")  # an account before: the volunteer's account id and profile id differ
    data = factory.volunteer_data("LX-A")
    created = client.post("/api/v1/volunteers", json=data)
    assert created.status_code == 201
    token = client.post("/api/v1/auth/token", json={"login": data["phone"], "password": data["password"]}).json["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json
    with app.app_context():
        from volunteer.accounts.models import Volunteer
        from volunteer.extensions import db
        user_id = db.session.get(Volunteer, created.json["id"]).user_id
    assert (me["id"], me["volunteer_id"]) == (user_id, created.json["id"]) and user_id != created.json["id"]
    assert me["volunteer_no"] == created.json["volunteer_no"]


def test_me_has_no_volunteer_id_for_staff_without_a_profile(client, factory):
    factory.org("LX", kind="city")
    admin = factory.staff("league_admin", "LX")
    token = client.post("/api/v1/auth/token", json={"login": admin.login, "password": admin.password}).json["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json
    assert me["volunteer_id"] is None and me["roles"] == [{"role": "league_admin", "organisation_code": "LX"}]


CLOSED_SET_FIELDS = {"state", "source", "kind", "category", "level", "role", "status", "decision", "resolution",
                     "action", "political_status"}


def test_no_closed_set_field_goes_without_its_enum(client):
    """Whatever shape holds a state, source, kind, category, level, role, status or decision, it
    lists the values (a field added later without its vocabulary fails here)."""
    spec = client.get("/api/v1/openapi.json").json
    bare = [f"{name}.{field}" for name, schema in spec["components"]["schemas"].items()
            for field, prop in schema.get("properties", {}).items()
            if field in CLOSED_SET_FIELDS and "enum" not in prop]
    bare += [f"{path} {method} ?{p['name']}" for path, ops in spec["paths"].items() for method, op in ops.items()
             if isinstance(op, dict) for p in op.get("parameters", [])
             if p.get("in") == "query" and p["name"] in CLOSED_SET_FIELDS and "enum" not in p["schema"]]
    assert bare == []


def test_refusals_of_a_scan_have_the_error_shape(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in ("/api/v1/checkins", "/api/v1/stations/{station_id}/scans"):
        responses = spec["paths"][path]["post"]["responses"]
        for status in ("400", "403", "409", "422"):
            assert responses[status]["content"]["application/json"]["schema"]["$ref"].endswith("/Error"), (path, status)
