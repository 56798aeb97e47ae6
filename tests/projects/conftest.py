from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from volunteer.accounts.models import User
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.organisations import services as organisations
from volunteer.projects import services


@pytest.fixture
def make_project(app):
    """make_project(world, state=..., by=world.a_manager, org="LX-A") → project id, created by
    ``by`` and, past draft, submitted by ``by``."""
    def make(world, state="draft", by=None, org="LX-A", **values):
        by = by or world.a_manager
        with app.app_context():
            actor = db.session.get(User, by.id)
            today = date.today()
            data = {"title": values.pop("title", "社区助老服务"), "category": "elderly",
                    "starts_on": today - timedelta(days=30), "ends_on": today + timedelta(days=365), **values}
            project = services.create_project(actor, organisations.get_by_code(org), data, now=utcnow())
            db.session.flush()
            if state != "draft":
                project.submitted_by_id = actor.id
                project.state = state
            db.session.commit()
            return SimpleNamespace(id=project.id)
    return make
