"""The API fuzzed against its own served OpenAPI document by Schemathesis (its command line, against
the app served on loopback) on the suite's database, SQLite or PostgreSQL: anonymously, as a
volunteer and as staff, every operation, every check; the boundary cases of each field, random
requests, and sequences over the links Schemathesis infers from the document (it declares none).
No 5xx, no answer the document contradicts. Bounded and reproducible: a few examples per
operation, a fixed seed, deterministic generation, no example database kept between runs."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from tests.certificates.test_certificates import hours, issue  # noqa: F401 (hours is a fixture)
from tests.checkin.fixtures import DAY
from tests.ledger.test_decisions import served  # noqa: F401 (a fixture)
from volunteer.accounts.models import User
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.projects import services as projects
from volunteer.projects.models import Project

ROOT = Path(__file__).resolve().parents[2]
HOOKS = Path(__file__).with_name("fuzz_hooks.py")
SEED = 20270315
MAX_EXAMPLES = 10
MAX_STEPS = 10
RESPONSE_SECONDS = 10  # far above any answer here: a slower one is a hang or a runaway query
RUN_SECONDS = 300      # a run over this is stopped and fails

# Schemathesis's statuses for a request the document says is valid (a 4xx other than these is a
# contradiction), and the refusals the document cannot say, by operation: rules over several
# fields, over what is stored, or a signature.
ACCEPTED = ("2xx", "3xx", "401", "403", "404", "409", "429", "5xx")
MEANINGFUL_REFUSALS = {
    "POST /api/v1/auth/password-reset/confirm": (("422",), "a wrong, used or expired code, or a password the "
                                                           "rules refuse"),
    "POST /api/v1/volunteers": (("422",), "an ID number's check digit or birth date; a phone, ID number or e-mail "
                                       "registered already; a minor's guardian; an unknown organisation"),
    "POST /api/v1/projects": (("422",), "an unknown organisation or station; an end before the start; a minimum "
                                     "attendance without the shift's length"),
    "POST /api/v1/projects/{project_id}/positions": (("422",), "an end not after the start"),
    "POST /api/v1/positions/{position_id}/shifts": (("422",), "an end not after the start or more than a day "
                                                    "after it; a station that is not the project's"),
    "POST /api/v1/projects/{project_id}/transitions": (("422",), "a rejection without a comment"),
    "POST /api/v1/stations": (("422",), "an unknown organisation, lead or time zone; a location or opening hours "
                                     "given by halves; a radius without a location"),
    "POST /api/v1/checkins": (("400", "422"), "a code that is not a station's signed code; a location given by "
                                          "halves; several projects at the station and none chosen"),
    "POST /api/v1/stations/{station_id}/scans": (("400", "422"), "a code that is not a volunteer's signed card; "
                                                             "several projects at the station and none chosen"),
    "POST /api/v1/ledger": (("422",), "an unknown volunteer or one off the roster; a day outside the project or "
                                   "in the future; more minutes than the activity"),
    "POST /api/v1/ledger/{entry_id}/decision": (("422",), "a rejection or adjustment without a reason; more minutes "
                                                       "than recorded"),
    "POST /api/v1/ledger/{entry_id}/corrections": (("422",), "more minutes than recorded"),
    "POST /api/v1/certificates": (("422",), "a period that ends before it starts"),
    "GET /api/v1/reports/summary": (("422",), "a period over ten years, or ending before it starts"),
}


def toml_list(values) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def config_text(*, token: str | None, revoke_token: str | None, coverage: bool, stateful: bool) -> str:
    """The run's schemathesis.toml. Revoking the token would sign the rest of the run out, so that
    operation sends a token of its own."""
    # a slow generation on a busy machine says nothing of the API
    lines = [f"seed = {SEED}", f"hooks = {json.dumps(str(HOOKS))}", 'suppress-health-check = ["too_slow"]']
    if token:
        lines.append(f'headers = {{ Authorization = "Bearer {token}" }}')
    lines += ["[generation]", f"max-examples = {MAX_EXAMPLES}", "deterministic = true", 'database = "none"',
              "[checks]", f"max_response_time = {RESPONSE_SECONDS}",
              "[phases.coverage]", f"enabled = {json.dumps(coverage)}",
              "[phases.stateful]", f"enabled = {json.dumps(stateful)}", f"max-steps = {MAX_STEPS}"]
    if revoke_token:
        lines += ["[[operations]]", 'include-name = "DELETE /api/v1/auth/token"',
                  f'headers = {{ Authorization = "Bearer {revoke_token}" }}']
    for name, (statuses, _why) in MEANINGFUL_REFUSALS.items():
        lines += ["[[operations]]", f"include-name = {json.dumps(name)}",
                  f"checks.positive_data_acceptance.expected-statuses = {toml_list(ACCEPTED + statuses)}"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def fuzz_world(app, world, site, hours, served):  # noqa: F811
    """The world of the scope tests, with what each endpoint works on: approved and pending hours,
    a certificate, a position with an application."""
    served(day=DAY + timedelta(days=1))  # pending
    issue(app, world.city_admin, world.a_volunteer.id)
    with app.app_context():
        manager = db.session.get(User, world.a_manager.id)
        position = projects.add_position(manager, db.session.get(Project, site.project_id),
                                         {"title": "陪伴员", "capacity": 5}, now=utcnow())
        db.session.flush()
        projects.apply_for_position(db.session.get(User, world.a_volunteer.user_id), position, note="周末有空",
                                    now=utcnow())
        db.session.commit()
    return world


def fuzz(live_server: str, workdir: Path, **settings) -> tuple[dict, str]:
    """Run Schemathesis over the whole document; its JSON report and its output."""
    config = workdir / "schemathesis.toml"
    config.write_text(config_text(**settings))
    report = workdir / "report.json"
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run", f"{live_server}/api/v1/openapi.json",
               "--checks", "all", "--workers", "1", "--no-color",
               "--report", "json", "--report-json-path", str(report)]
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}  # the hooks import volunteer
    done = subprocess.run(command, capture_output=True, text=True, timeout=RUN_SECONDS, cwd=workdir, env=env)
    output = done.stdout + done.stderr
    assert report.exists(), output
    return json.loads(report.read_text()), output


# The boundary cases of every field (the coverage phase) are the same for everyone and parsed
# before any permission is checked: once, with the most access, is enough. Sequences need someone
# who may create what the next call uses.
PHASES = {"anonymous": {"coverage": False, "stateful": False},
          "volunteer": {"coverage": False, "stateful": True},
          "staff": {"coverage": True, "stateful": True}}


@pytest.mark.parametrize("who", PHASES)
def test_the_api_keeps_to_its_document(client, live_server, tmp_path, fuzz_world, api_token, who):
    token = revoke_token = None
    if who != "anonymous":
        person = fuzz_world.a_volunteer if who == "volunteer" else fuzz_world.city_admin
        # through the API's own token endpoint, as a client signs in
        answer = client.post("/api/v1/auth/token", json={"login": person.login, "password": person.password})
        assert answer.status_code == 200, answer.json
        token, revoke_token = answer.json["token"], api_token(person)
    report, output = fuzz(live_server, tmp_path, token=token, revoke_token=revoke_token, **PHASES[who])
    print(output)  # each failure with a curl command that repeats it: shown when the test fails, or with -rP
    failures = [f"{f['code']} {f['title']}: {', '.join(f['operations'])}" for f in report["failures"]]
    assert failures == [] and report["errors"] == []
    assert report["operations"]["tested"] == report["operations"]["total"]
