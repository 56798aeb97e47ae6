"""Certificate issuance speed: N certificates issued through the service (hours read from the
ledger, serial, verification code, the PDF rendered with the seal, SHA-256, rows written and
committed), and, in the same run, N minimal pages rendered in bare reportlab with the same font, a
line of Chinese and a QR code. Prints certificates per second, the ratio to the bare pages, the
mean PDF size and the peak memory. Target: at least 40 % of the bare pages' rate, under 200 KB a
certificate.

    .venv/bin/python bench/certificates.py [--count 300] [--database-url sqlite:////tmp/bench.db]

Without --database-url it uses a fresh SQLite file under /tmp; a PostgreSQL URL is used as it is
(its tables are created afresh: give it an empty database).
"""
from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seal_png() -> bytes:
    from PIL import Image, ImageDraw
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 390, 390), outline=(200, 20, 20, 255), width=14)
    draw.regular_polygon((200, 200, 70), 5, fill=(200, 20, 20, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seed(app, count: int):
    """An organisation with a seal, its admin, and ``count`` volunteers with approved hours in
    three projects each (entries written directly: the benchmark measures issuing, not the ledger)."""
    from volunteer.accounts.models import Membership, User, Volunteer
    from volunteer.accounts.vocabulary import Gender
    from volunteer.certificates import services as certificates
    from volunteer.core.crypto import encrypt_text, keyed_hash
    from volunteer.core.time import utcnow
    from volunteer.extensions import db
    from volunteer.ledger.models import LedgerEntry
    from volunteer.ledger.vocabulary import EntrySource, EntryState
    from volunteer.organisations import services as organisations
    from volunteer.organisations.vocabulary import OrganisationKind, Role
    from volunteer.projects.models import Project
    from volunteer.projects.vocabulary import Category, ProjectState

    with app.app_context():
        db.drop_all()
        db.create_all()
        city = organisations.create_organisation(None, None, code="BN", name="基准市团委", kind=OrganisationKind.CITY, now=utcnow())
        admin = User(phone="13800009999", password_hash="x", display_name="基准管理员")
        db.session.add_all([admin, Membership(user=admin, organisation=city, role=Role.LEAGUE_ADMIN)])
        projects = [Project(organisation=city, title=title, category=Category.COMMUNITY, state=ProjectState.RUNNING)
                    for title in ("社区助老服务", "河道环保行动", "图书馆志愿讲解")]
        db.session.add_all(projects)
        db.session.flush()
        certificates.set_seal(admin, city, seal_png(), "基准书记", now=utcnow())
        day = date(2026, 3, 1)
        for n in range(count):
            number = f"11010519900101{n % 1000:03d}X"
            user = User(phone=f"139{n:08d}", password_hash="x", display_name=f"志愿者{n}")
            volunteer = Volunteer(user=user, organisation=city, volunteer_no=f"BN-{n:06d}", name="王小明",
                                  id_number_encrypted=encrypt_text(number), id_number_hash=keyed_hash(number),
                                  gender=Gender.MALE)
            db.session.add_all([user, volunteer])
            db.session.flush()
            for k, project in enumerate(projects):
                db.session.add(LedgerEntry(volunteer_id=volunteer.id, project_id=project.id, minutes=150,
                                           recorded_minutes=150, credited_minutes=150, rule_version="bench",
                                           served_on=day + timedelta(days=k), source=EntrySource.MANUAL, state=EntryState.APPROVED,
                                           decided_at=utcnow(), decided_by_id=admin.id))
        db.session.commit()
        return admin.id


def issue_all(app, admin_id: int) -> tuple[float, list[int]]:
    from volunteer.accounts.models import User, Volunteer
    from volunteer.certificates import services as certificates
    from volunteer.certificates.models import CertificatePdf
    from volunteer.core.time import utcnow
    from volunteer.extensions import db

    with app.app_context(), app.test_request_context("/"):
        admin = db.session.get(User, admin_id)
        ids = list(db.session.scalars(db.select(Volunteer.id).order_by(Volunteer.id)))
        started = time.perf_counter()
        for volunteer_id in ids:
            certificates.issue_certificate(admin, db.session.get(Volunteer, volunteer_id),
                                           base_url="https://volunteer.example.org/", now=utcnow())
            db.session.commit()
        elapsed = time.perf_counter() - started
        sizes = [len(p) for p in db.session.scalars(db.select(CertificatePdf.pdf))]
    return elapsed, sizes


def bare_pages(app, count: int) -> float:
    """The floor: the same font, one line of Chinese and a QR code, nothing else."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    from volunteer.core.pdf import cjk_font, draw_qr

    with app.app_context():
        font = cjk_font()
        started = time.perf_counter()
        for n in range(count):
            buffer = io.BytesIO()
            pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=font)
            pdf.setFont(font, 14)
            pdf.drawString(25 * mm, 260 * mm, f"兹证明 王小明 参加志愿服务 7.5 小时 BN-2026-{n:06d}")
            draw_qr(pdf, f"https://volunteer.example.org/verify/BN-2026-{n:06d}?c=ABCDEFGHIJKLMNOP",
                    25 * mm, 30 * mm, 32 * mm)
            pdf.showPage()
            pdf.save()
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/bench.db"

    from volunteer import create_app
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url.replace("postgresql://", "postgresql+psycopg://"))
    admin_id = seed(app, args.count)
    bare_pages(app, 5)  # warm up: the font is registered once per process in both paths
    bare = bare_pages(app, args.count)
    issued, sizes = issue_all(app, admin_id)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate, bare_rate = args.count / issued, args.count / bare
    print(f"database: {url.split('@')[-1]}")
    print(f"certificates issued:      {args.count} in {issued:.2f} s = {rate:.1f} per second")
    print(f"bare reportlab pages:     {args.count} in {bare:.2f} s = {bare_rate:.1f} per second  (baseline)")
    print(f"ratio to the bare pages:  {rate / bare_rate:.2f}  (target at least 0.40)")
    print(f"mean PDF size:            {sum(sizes) / len(sizes) / 1024:.1f} KB, largest {max(sizes) / 1024:.1f} KB "
          f"(target under 200 KB)")
    print(f"peak memory (max RSS):    {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
