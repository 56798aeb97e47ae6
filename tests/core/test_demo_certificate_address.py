"""The demo certificate's QR code leads to the address the app is served on: `make run PORT=…`
seeds the demo with that address before the server starts, and PUBLIC_URL wins when it is set."""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import require_tool
from volunteer.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def _seed_command_environment(**make_vars) -> dict[str, str]:
    """The variables `make seed` puts before `flask seed-demo`, read from its dry run."""
    require_tool(shutil.which("make") is not None, "make")
    args = ["make", "-n", "-C", str(ROOT), "seed"] + [f"{k}={v}" for k, v in make_vars.items()]
    lines = subprocess.run(args, capture_output=True, text=True, check=True).stdout.splitlines()  # noqa: S603
    line = next(line for line in lines if line.rstrip().endswith("seed-demo"))
    return dict(word.split("=", 1) for word in shlex.split(line) if re.match(r"^[A-Z_]+=", word))


def _demo_certificate_url(app, tmp_path) -> str:
    """Seed the demo, then read the QR code of its certificate as a phone would."""
    require_tool(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils)")
    import zxingcpp
    from PIL import Image

    from volunteer.certificates.models import Certificate, CertificatePdf
    result = app.test_cli_runner().invoke(args=["seed-demo", "--volunteers", "40"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate))
        (tmp_path / "c.pdf").write_bytes(db.session.get(CertificatePdf, certificate.id).pdf)
        serial = certificate.serial
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "c.pdf"), str(tmp_path / "c")],  # noqa: S603,S607
                   check=True)
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "c.png"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1
    url = found[0].text
    assert f"/verify/{serial}?c=" in url
    return url


@pytest.fixture
def no_public_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", None)
    for name in ("FLASK_RUN_HOST", "FLASK_RUN_PORT"):
        monkeypatch.delenv(name, raising=False)


def test_make_run_on_another_port_gives_a_certificate_that_leads_there(app, no_public_url, monkeypatch, tmp_path):
    environment = _seed_command_environment(HOST="127.0.0.1", PORT="8123")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert _demo_certificate_url(app, tmp_path).startswith("http://127.0.0.1:8123/verify/")


def test_public_url_wins_over_the_served_port(app, no_public_url, monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_RUN_PORT", "8123")
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://volunteer.example.org/")
    assert _demo_certificate_url(app, tmp_path).startswith("https://volunteer.example.org/verify/")


def test_a_server_on_every_interface_is_reached_at_this_machine(monkeypatch):
    from volunteer.demo import served_address
    monkeypatch.setenv("FLASK_RUN_HOST", "0.0.0.0")  # noqa: S104
    monkeypatch.setenv("FLASK_RUN_PORT", "8000")
    assert served_address() == "http://127.0.0.1:8000/"
    monkeypatch.setenv("FLASK_RUN_HOST", "::1")
    assert served_address() == "http://[::1]:8000/"
    monkeypatch.delenv("FLASK_RUN_HOST")
    monkeypatch.delenv("FLASK_RUN_PORT")
    assert served_address() == "http://127.0.0.1:5000/"  # flask run's own defaults
