"""The app as the check-in benchmark serves it under gunicorn: the production app, plus a baseline
endpoint that does the least a check-in must do (authenticate the bearer token, one INSERT, commit).

The repeat window is lifted so that a simulated volunteer can check out right after checking in;
every other rule runs as in production, the limit of 3 sessions a day included (so the benchmark
brings enough volunteers)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify

from volunteer import create_app
from volunteer.api.auth import api_user
from volunteer.checkin.models import Scan
from volunteer.core.errors import NotAuthenticated
from volunteer.core.time import utcnow
from volunteer.extensions import csrf, db

app = create_app(SCAN_REPEAT_SECONDS=0)


@app.post("/api/v1/_bench/baseline")  # under /api/ so the API's bearer authentication runs
@csrf.exempt
def baseline():
    user = api_user()
    if user is None:
        raise NotAuthenticated()
    now = utcnow()
    db.session.execute(sa.insert(Scan).values(user_id=user.id, source="self_scan", outcome="unchanged",
                                              status=201, scanned_at=now, received_at=now))
    db.session.commit()
    return jsonify(ok=True), 201
