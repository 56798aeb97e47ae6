"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and a project with a
position to apply for."""
from __future__ import annotations

import socket
from datetime import date
from email import message_from_bytes, policy
from types import SimpleNamespace

import pytest

from tests.conftest import require_tool
from volunteer.accounts.models import User
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.organisations.services import get_by_code
from volunteer.projects import services as projects


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Inbox:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(app, monkeypatch):
    """The mail server the app sends to: ``.received`` (parsed messages), ``.stop()``, ``.start()``."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        require_tool(False, "aiosmtpd")
    port, inbox = _free_port(), _Inbox()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 3)
    state = SimpleNamespace(controller=None)

    def start():
        state.controller = Controller(inbox, hostname="127.0.0.1", port=port)
        state.controller.start()

    def stop():
        state.controller.stop()
        state.controller = None

    start()
    yield SimpleNamespace(received=inbox.received, start=start, stop=stop)
    if state.controller is not None:
        stop()


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def mailbox(app):
    """mailbox(person, email, locale=None): give a test person an e-mail address (and a language)."""
    def give(person, email, locale=None):
        with app.app_context():
            user = db.session.get(User, getattr(person, "user_id", None) or person.id)
            user.email, user.locale = email, locale
            db.session.commit()
    return give


@pytest.fixture
def position(app, world):
    """A recruiting project of 甲镇 with one position: (project id, position id)."""
    with app.app_context():
        manager = db.session.get(User, world.a_manager.id)
        project = projects.create_project(manager, get_by_code("LX-A"), {
            "title": "社区助老服务", "category": "elderly", "starts_on": date(2027, 1, 1),
            "ends_on": date(2027, 12, 31)}, now=utcnow())
        db.session.flush()
        project.state = "recruiting"
        spot = projects.add_position(manager, project, {"title": "陪伴老人", "capacity": 5}, now=utcnow())
        db.session.commit()
        return SimpleNamespace(project_id=project.id, position_id=spot.id)
