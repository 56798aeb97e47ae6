"""What check-in answers other domains through core.signals: a person's sessions and scans for
their data export, a project's sessions for its figures."""
from __future__ import annotations

import sqlalchemy as sa

from volunteer.checkin.models import Scan, ServiceSession
from volunteer.core import signals
from volunteer.core.time import iso
from volunteer.extensions import db


def personal_data(user, volunteer) -> dict:
    """Their sessions, and the scans they made or that were made of them."""
    volunteer_id = volunteer.id if volunteer else -1
    sessions = db.session.scalars(sa.select(ServiceSession).where(ServiceSession.volunteer_id == volunteer_id)
                                  .order_by(ServiceSession.id)).all()
    scans = db.session.scalars(sa.select(Scan).where(sa.or_(Scan.volunteer_id == volunteer_id, Scan.user_id == user.id))
                               .order_by(Scan.id)).all()
    return {
        "service_sessions": [{
            "id": s.id, "station": s.station.name, "project": s.project.title, "state": s.state, "source": s.source,
            "checked_in_at": iso(s.checked_in_at), "checked_out_at": iso(s.checked_out_at), "minutes": s.minutes,
            "auto_closed": s.auto_closed, "distance_m": s.distance_m} for s in sessions],
        "scans": [{"received_at": iso(c.received_at), "scanned_at": iso(c.scanned_at), "station_id": c.station_id,
                   "outcome": c.outcome, "reason": c.reason, "source": c.source} for c in scans],
    }


def project_figures(project) -> dict:
    """The project's closed sessions and the stations they were at."""
    sessions, stations = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(sa.distinct(ServiceSession.station_id)))
        .where(ServiceSession.project_id == project.id, ~ServiceSession.is_open)).one()
    return {"sessions": sessions, "stations_used": stations}


def connect() -> None:
    signals.personal_data_requested.connect(personal_data)
    signals.project_figures_requested.connect(project_figures)
