"""The command line: the first organisation and admin of a deployment, and the demo data."""
from datetime import date, datetime, timezone

import sqlalchemy as sa

from volunteer.accounts.models import Membership, User, Volunteer
from volunteer.core.models import Event
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.projects.models import Project
from volunteer.stations.models import Station


def test_first_admin_of_a_deployment(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["orgs", "create", "--code", "hz", "--name", "杭州市团委", "--kind", "city"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "--phone", "13800001111", "--password", "admin1234",
                                 "--name", "管理员", "--role", "league_admin", "--org", "HZ"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"login": "13800001111", "password": "admin1234"})
    assert token.status_code == 200
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.json['token']}"}).json
    assert me["roles"] == [{"role": "league_admin", "organisation_code": "HZ"}]


def test_cli_errors_are_clear_and_change_nothing(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--phone", "13800001111", "--password", "admin1234",
                                 "--role", "league_admin", "--org", "NOPE"])
    assert result.exit_code != 0 and "NOPE" in result.output
    runner.invoke(args=["orgs", "create", "--code", "HZ", "--name", "杭州市团委", "--kind", "city"])
    result = runner.invoke(args=["users", "create", "--phone", "123", "--password", "weak",
                                 "--role", "manager", "--org", "HZ"])
    assert result.exit_code != 0 and "phone" in result.output and "password" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_seed_demo_loads_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--volunteers", "40"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        towns = db.session.scalars(sa.select(Organisation.code).where(Organisation.kind.in_(["town", "street"]))).all()
        assert len(towns) == 3
        assert db.session.scalar(sa.select(sa.func.count(Volunteer.id))) >= 35
        assert db.session.scalar(sa.select(sa.func.count(Station.id))) >= 6
        from volunteer.projects.models import Application, Evaluation, ProjectTransition
        from volunteer.projects.vocabulary import ProjectState
        states = set(db.session.scalars(sa.select(Project.state)).all())
        assert states == set(ProjectState)
        application_states = set(db.session.scalars(sa.select(Application.state)).all())
        assert {"accepted", "pending", "declined"} <= application_states
        closed = db.session.scalar(sa.select(Project).where(Project.state == "closed", ~Project.delegated))
        assert db.session.scalar(sa.select(Evaluation).where(Evaluation.project_id == closed.id))
        assert [t.to_state for t in closed.transitions][-1] == "closed"
        assert db.session.scalar(sa.select(sa.func.count(ProjectTransition.id))) > 20
        rejected = db.session.scalar(sa.select(Project).where(Project.state == "rejected"))
        assert rejected.screening_comment
        roles = set(db.session.scalars(sa.select(Membership.role)).all())
        assert roles == {"league_admin", "manager"}
        assert db.session.scalar(sa.select(sa.func.count(Event.id))) > 40
        minors = db.session.scalars(sa.select(Volunteer).where(Volunteer.guardian_name.is_not(None))).all()
        assert minors and all(v.guardian_consent_at for v in minors)
        # a week of check-ins went through the check-in service: closed sessions, pending entries
        from volunteer.checkin.models import ServiceSession
        from volunteer.ledger.models import LedgerEntry
        sessions = db.session.scalars(sa.select(ServiceSession)).all()
        assert sessions and all(s.state == "closed" and (s.minutes or 0) >= 45 for s in sessions), [(s.id, s.volunteer_id, s.station_id, s.checked_in_at, s.checked_out_at, s.auto_close_reason) for s in sessions if s.minutes is None]
        checkin_entries = sa.select(sa.func.count(LedgerEntry.id)).where(LedgerEntry.source == "checkin")
        assert db.session.scalar(checkin_entries) == len(sessions)
        # decided through the ledger service: every state, a correction, disputes, totals that verify
        from volunteer.ledger import services as ledger
        from volunteer.ledger.models import Dispute
        assert set(db.session.scalars(sa.select(LedgerEntry.state))) == {"pending", "approved", "rejected"}
        assert set(db.session.scalars(sa.select(LedgerEntry.source))) == {"checkin", "manual", "correction"}
        assert db.session.scalar(sa.select(sa.func.count(Dispute.id))) >= 1
        assert ledger.verify() == []
        demo_volunteer = db.session.scalar(sa.select(Volunteer).join(User).where(User.phone == "13900000001"))
        assert ledger.totals_of(demo_volunteer.id)["approved_minutes"] == 330
        # a certificate of those hours, with 青山镇's seal, that verifies
        from volunteer.certificates import services as certificates
        from volunteer.certificates.models import Certificate
        from volunteer.certificates.vocabulary import CertificateKind
        certificate = db.session.scalar(sa.select(Certificate).where(  # their service certificate (they hold a practice one too)
            Certificate.volunteer_id == demo_volunteer.id, Certificate.kind == CertificateKind.SERVICE))
        assert certificate.minutes == 330 and certificate.serial.startswith("LX-QS-")
        assert certificates.verify(certificate.serial, certificate.verification_code)["valid"] is True
        # the demo volunteer can try the scan page: on the roster of a project running at a station
        from volunteer.checkin import services as checkin
        from volunteer.stations import codes
        demo = db.session.scalar(sa.select(User).where(User.phone == "13900000001"))
        project = db.session.scalar(sa.select(Project).where(Project.state == "running").order_by(Project.id))
        outcome = checkin.scan_station_code(demo, codes.make_code(project.stations[0], codes.STATIC),
                                            now=datetime.now(timezone.utc))
        assert outcome.action == "checked_in", outcome.error and outcome.error.code
        db.session.rollback()
        # practice: a programme in two-way selection with an offer waiting for the demo volunteer,
        # a student placed, a unit's contact who signs in and sees who chose its posts; last
        # summer's closed, its students' weeks logged and commented on, evaluated and certified
        from volunteer.practice import services as practice
        from volunteer.practice.models import Programme
        from volunteer.practice.vocabulary import PostChoiceState, ProgrammeState
        states = set(db.session.scalars(sa.select(Programme.state)))
        assert states == {ProgrammeState.MATCHING, ProgrammeState.COLLECTING_POSTS, ProgrammeState.CLOSED}
        mine = practice.applications_of(demo)
        assert [c.state for c in mine[0].choices].count(PostChoiceState.OFFERED) == 1
        contact = db.session.scalar(sa.select(User).where(User.phone == "13700000001"))
        assert len(practice.applicants_of(practice.units_of_contact(contact)[0])) >= 3
        matching = db.session.scalar(sa.select(Programme).where(Programme.state == ProgrammeState.MATCHING))
        from volunteer.practice.models import StudentApplication
        placed = [a for a in db.session.scalars(sa.select(StudentApplication).where(
            StudentApplication.programme_id == matching.id)) if a.is_placed]
        assert len(placed) == 1 and placed[0] not in practice.unplaced(matching) and practice.unfilled(matching)
        closed = db.session.scalar(sa.select(Programme).where(Programme.state == ProgrammeState.CLOSED))
        students = practice.placed_students(closed)
        assert len(students) >= 2 and len({a.school_name for a in students}) >= 2
        for student in students:
            assert practice.logs_of(student) and all(log.comment for log in practice.logs_of(student))
            assert practice.practice_certificate_of(student) is not None
        assert any(log.photos for log in practice.logs_of(students[0]))
        survey = practice.survey_results(closed)
        assert survey["responses"] == len(students) and survey["questions"][2]["mean"] is not None
        # the others trained and checked in at their units, their hours approved by the units' contacts
        attendance = practice.attendance_of(students)
        others = [a for a in students if a.volunteer_id != demo.volunteer.id]
        assert others and all(attendance[a.id].days >= 8 and attendance[a.id].minutes >= 8 * 480 for a in others)
        assert all(attendance[a.id].training == (1, 1) for a in others)
        assert ledger.verify() == []
        assert practice.training_of(matching) is not None
        [branch] = practice.branches_of(closed)
        assert len(branch.members) == len(students)
        assert [m.application.volunteer_id for m in branch.secretaries] == [demo.volunteer.id]
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "not loaded" in again.output
    # the README's demo logins work
    client = app.test_client()
    for phone in ("13800000001", "13800000002", "13800000012", "13800000022", "13900000001", "13700000001"):
        response = client.post("/api/v1/auth/token", json={"login": phone, "password": "demo2026"},
                               environ_base={"REMOTE_ADDR": f"10.9.0.{phone[-2:]}"})  # each its own sign-in limit
        assert response.status_code == 200, phone


def test_an_existing_account_is_not_silently_made_admin(app, factory):
    runner = app.test_cli_runner()
    runner.invoke(args=["orgs", "create", "--code", "HZ", "--name", "杭州市团委", "--kind", "city"])
    squatter = factory.volunteer("HZ", phone="13800001111")
    result = runner.invoke(args=["users", "create", "--phone", "13800001111", "--password", "admin1234",
                                 "--role", "league_admin", "--org", "HZ"])
    assert result.exit_code != 0 and "--existing" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Membership.id))) == 0
    result = runner.invoke(args=["users", "create", "--phone", "13800001111", "--password", "ignored12",
                                 "--role", "manager", "--org", "HZ", "--existing"])
    assert result.exit_code == 0 and "password not changed" in result.output
    client = app.test_client()
    assert client.post("/api/v1/auth/token", json={"login": squatter.phone, "password": "ignored12"}).status_code == 401


def test_staff_without_a_name_are_shown_by_masked_phone(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["orgs", "create", "--code", "HZ", "--name", "杭州市团委", "--kind", "city"])
    runner.invoke(args=["users", "create", "--phone", "13800001111", "--password", "admin1234",
                        "--role", "league_admin", "--org", "HZ"])
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert user.display_name == "138****1111"


def test_a_backup_restores_with_every_hour_and_figure(app, world, site, tmp_path):
    """flask backup copies the SQLite database while it is open; the copy, opened as the
    database of a new app, holds the same ledger and passes ledger verify. On PostgreSQL the
    command says to use pg_dump and writes nothing."""
    from tests.reports.conftest import Service
    from volunteer import create_app
    from volunteer.ledger import services as ledger
    from volunteer.ledger.models import LedgerEntry
    from volunteer.reports import direct
    runner, target = app.test_cli_runner(), tmp_path / "copy.db"
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            result = runner.invoke(args=["backup", str(target)])
            assert result.exit_code != 0 and "pg_dump" in result.output and not target.exists()
            return
    with app.app_context():
        Service(world).manual(world.a_manager, site.project_id, world.a_volunteer, date(2027, 3, 1), 60,
                              decide_by=world.city_admin)
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry))
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["backup", str(target)]).exit_code != 0  # never over an existing file
    restored = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{target}")
    with restored.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == entries > 0
        assert ledger.verify() == [] and direct.verify() == []
