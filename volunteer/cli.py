"""Command line: the first organisation and admin of a deployment, and the demo data."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from volunteer.accounts import services as accounts
from volunteer.checkin import services as checkin
from volunteer.core import database, jobs
from volunteer.core.errors import DomainError
from volunteer.core.time import utcnow
from volunteer.demo import seed
from volunteer.extensions import db
from volunteer.generate import ADMIN_PHONE, GENERATED_PASSWORD, TOWN_ADMIN_PHONE, NotEmpty, generate
from volunteer.ledger import services as ledger
from volunteer.organisations import services as organisations
from volunteer.organisations.vocabulary import OrganisationKind, Role
from volunteer.reports import direct as reports

users_cli = AppGroup("users", help="Manage staff accounts.")
sessions_cli = AppGroup("sessions", help="Service sessions (check-in and check-out).")
ledger_cli = AppGroup("ledger", help="The hours ledger.")
orgs_cli = AppGroup("orgs", help="Manage organisations.")
jobs_cli = AppGroup("jobs", help="Background jobs (certificate batches, period reports).")
reports_cli = AppGroup("reports", help="The dashboards' figures.")
notifications_cli = AppGroup("notifications", help="Notices to users (in the app, by e-mail, by SMS, by push).")
shifts_cli = AppGroup("shifts", help="Shifts: offers of freed places, no-shows.")


@notifications_cli.command("send")
@with_appcontext
def notifications_send():
    """Write the reminders due (24 hours and 1 hour before an accepted position starts) and the
    leads' morning digests of overdue entries, then send every delivery that is due (new ones,
    retries whose wait is over, claims gone stale, the evening's digests of decided hours); run it
    every few minutes from cron. Each is committed as it goes."""
    from volunteer.notifications import services as notifications
    reminded = notifications.remind(now=utcnow())
    db.session.commit()
    digests = notifications.tell_leads(now=utcnow())
    db.session.commit()
    click.echo(f"reminders: {reminded}, leads' digests: {digests}")
    counts = notifications.send_due(now=utcnow())
    click.echo(", ".join(f"{state}: {n}" for state, n in counts.items()))


@shifts_cli.command("run")
@with_appcontext
def shifts_run():
    """Offers whose deadline passed lapse and their places go to the next waiting; the confirmed
    volunteers of shifts that ended without a check-in are marked no-shows (once each). Run it
    every few minutes from cron, before `notifications send`."""
    from volunteer.shifts import services as shifts
    lapsed = shifts.expire_offers(now=utcnow())
    db.session.commit()
    missed = shifts.mark_no_shows(now=utcnow())
    db.session.commit()
    click.echo(f"offers lapsed: {lapsed}, no-shows: {missed}")


@notifications_cli.command("vapid-key")
def notifications_vapid_key():
    """Print a new web-push signing key for VAPID_PRIVATE_KEY (browsers that subscribed with an
    older key must subscribe again)."""
    from config import new_vapid_key
    click.echo(new_vapid_key())


def _fail(exc: DomainError) -> None:
    db.session.rollback()
    lines = [str(exc.message)] + [f"  {field}: {'; '.join(str(m) for m in msgs)}"
                                  for field, msgs in exc.fields.items()]
    raise click.ClickException("\n".join(lines))


@orgs_cli.command("create")
@click.option("--code", required=True, help="Unique readable code, e.g. LX or LX-QS.")
@click.option("--name", required=True)
@click.option("--kind", required=True, type=click.Choice(OrganisationKind.values()))
@click.option("--parent", "parent_code", help="Code of the parent; omit for the top organisation.")
def create_org(code, name, kind, parent_code):
    """Create an organisation (the top one of a deployment, or any child)."""
    parent = None
    if parent_code:
        parent = organisations.get_by_code(parent_code)
        if parent is None:
            raise click.ClickException(f"No organisation with code {parent_code}.")
    try:
        org = organisations.create_organisation(None, parent, code=code, name=name, kind=kind, now=utcnow())
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Created organisation {org.code} ({org.name}).")


@users_cli.command("create")
@click.option("--phone", help="Mobile number used to sign in.")
@click.option("--email", help="E-mail used to sign in (instead of or as well as the phone).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "display_name", default="", help="Name shown to others.")
@click.option("--role", required=True, type=click.Choice(Role.values()))
@click.option("--org", "org_code", required=True, help="Code of the organisation of the role.")
@click.option("--existing", is_flag=True,
              help="Give the role to the account that already has this phone or e-mail "
                   "(its password is left unchanged).")
def create_user(phone, email, password, display_name, role, org_code, existing):
    """Create a staff account with a role on an organisation (e.g. the first league admin)."""
    org = organisations.get_by_code(org_code)
    if org is None:
        raise click.ClickException(f"No organisation with code {org_code}; create it with 'orgs create'.")
    user = accounts.find_user_by_login(phone or email or "")
    if user is not None and not existing:
        # Phones are not verified at registration: anyone could have registered this number.
        raise click.ClickException(
            "An account with this phone or e-mail exists already. Check that it belongs to the "
            "right person, then add --existing to give it the role (its password stays unchanged).")
    try:
        if user is None:
            user = accounts.create_user(phone=phone, email=email, password=password,
                                        display_name=display_name, now=utcnow())
        accounts.grant_role(None, user, org, role, now=utcnow())
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    note = " (existing account; password not changed)" if existing else ""
    click.echo(f"User {user.id} is now {role} of {org.code}{note}.")


@users_cli.command("sign-out")
@click.argument("login")
def sign_out_user(login):
    """End every browser session and API token of the account with this phone or e-mail (a lost
    phone, a staff member who left): they must sign in again everywhere."""
    user = accounts.find_user_by_login(login)
    if user is None:
        raise click.ClickException(f"No account signs in with {login}.")
    accounts.sign_out_everywhere(None, user, now=utcnow())
    db.session.commit()
    click.echo(f"User {user.id} is signed out everywhere.")


@users_cli.command("look-alikes")
def list_lookalikes():
    """List accounts and volunteers stored before phones and ID numbers were normalised that are
    one number once normalised (full-width digits and the like): merge or correct them by hand;
    nothing is changed. Exit 1 when there are any."""
    from volunteer.accounts.services.lookalikes import lookalikes
    lines = lookalikes()
    for line in lines:
        click.echo(line)
    if lines:
        raise SystemExit(1)
    click.echo("No look-alike phones or ID numbers.")


@click.command("seed-demo")
@with_appcontext
@click.option("--volunteers", default=300, show_default=True, help="How many demo volunteers.")
def seed_demo(volunteers):
    """Load the demo city league (once; does nothing if organisations exist)."""
    created = seed(volunteer_count=volunteers, now=utcnow())
    click.echo("Demo data loaded." if created else "Organisations exist already; demo data not loaded.")


@click.command("generate")
@with_appcontext
@click.option("--volunteers", default=20_000, show_default=True, help="How many volunteers.")
@click.option("--entries", default=100_000, show_default=True, help="How many ledger entries (two years of them).")
@click.option("--seed", "seed_value", default=2026, show_default=True, help="The same seed makes the same data.")
def generate_command(volunteers, entries, seed_value):
    """Fill an empty database with a synthetic province, for benchmarks (see bench/reports.py)."""
    if volunteers < 1 or entries < 0:
        raise click.BadParameter("give at least one volunteer and no negative number of entries")
    click.echo(f"Generating {volunteers:,} volunteers and {entries:,} entries…")
    try:
        made = generate(volunteers=volunteers, entries=entries, now=utcnow(), seed=seed_value, say=click.echo)
    except NotEmpty as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    timings = made.pop("timings")
    click.echo(", ".join(f"{value:,} {name}" for name, value in made.items()) + f" in {timings['total']} s.")
    click.echo(f"Sign in as {ADMIN_PHONE} (the province) or {TOWN_ADMIN_PHONE} (a town), "
               f"password {GENERATED_PASSWORD}.")


@sessions_cli.command("close-stale")
@click.option("--now", "now_text", help="The moment to judge by (ISO 8601); the clock's time by default.")
def close_stale(now_text):
    """Close sessions left open past their station's closing time or the longest session allowed,
    flagged for the lead and credited nothing. Meant for cron, e.g. every 10 minutes."""
    try:
        now = datetime.fromisoformat(now_text) if now_text else utcnow()
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-11-21T18:30:00+08:00", param_hint="--now") from None
    if now.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. +08:00", param_hint="--now")
    closed = close_stale_sessions(now)
    click.echo(f"Closed {closed} stale session(s).")


def close_stale_sessions(now: datetime) -> int:
    """Every open session left open too long, closed and flagged, committed session by session:
    an interruption loses nothing already closed and a rerun picks up the rest."""
    closed = last_id = 0
    while candidates := checkin.stale_candidates(now=now, after_id=last_id):
        for session_id, volunteer_id in candidates:
            last_id = session_id
            closed += checkin.close_stale(volunteer_id, now=now) is not None
            db.session.commit()
    return closed


@sessions_cli.command("forget-locations")
def forget_locations():
    """Forget the distances kept from check-ins older than LOCATION_RETENTION_DAYS (the flag
    "outside the radius" stays). Meant for a daily cron."""
    count = checkin.forget_locations(now=utcnow())
    db.session.commit()
    click.echo(f"Forgot the location of {count} session(s).")


@ledger_cli.command("verify")
def verify_ledger():
    """Recompute every volunteer's totals, and every rollup of the dashboards, from the entries
    and report any difference (exit 1)."""
    problems = ledger.verify() + reports.verify()
    for line in problems:
        click.echo(line)
    if problems:
        raise SystemExit(1)
    click.echo("The totals and the dashboards' rollups agree with the entries.")


@reports_cli.command("rebuild")
def rebuild_rollups():
    """Fill the dashboards' rollups afresh from the entries, sessions and profiles (after a repair)."""
    reports.rebuild()
    db.session.commit()
    click.echo("The rollups have been rebuilt from the entries.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def jobs_worker(burst: bool):
    """An RQ worker on REDIS_URL: run several, on several machines, for big batches."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: without it, jobs run inside the web process.")
    jobs.work(burst=burst)


@jobs_cli.command("run")
@click.argument("job_id", type=int)
def jobs_run(job_id: int):
    """Run (or resume) one job in this process: a queued or failed one, or one whose worker died."""
    job = jobs.run_job(job_id, now=utcnow())
    if job is None:
        raise click.ClickException(f"No job {job_id}.")
    click.echo(f"Job {job.id}: {job.state}, {job.done} of {job.total}.")
    if job.has_failed:
        raise SystemExit(1)


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(target: str):
    """Copy the SQLite database to TARGET (a new file) while the app runs. On PostgreSQL use
    pg_dump (README, "Running in production")."""
    if db.engine.dialect.name != "sqlite":
        raise click.ClickException("This database is not SQLite: back it up with pg_dump -Fc (see the README).")
    if Path(target).exists():
        raise click.ClickException(f"{target} exists already: give a new file.")
    database.backup_sqlite(target)
    click.echo(f"Backed up to {target}.")


def register_commands(app: Flask) -> None:
    app.cli.add_command(jobs_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(ledger_cli)
    app.cli.add_command(sessions_cli)
    app.cli.add_command(orgs_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(generate_command)
    app.cli.add_command(reports_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(shifts_cli)
