"""Station codes: signed, per station, revocable, and rotating ones expire within a minute.
Time is passed in, never slept."""
import hashlib
import io
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from itsdangerous import Signer

from tests.conftest import require_tool
from tests.stations.test_stations import make_station
from volunteer.accounts.models import User
from volunteer.core.models import Event
from volunteer.extensions import db
from volunteer.stations import codes
from volunteer.stations.models import Station

NOW = datetime(2026, 11, 21, 9, 0, 10, tzinfo=timezone.utc)


@pytest.fixture
def station_ids(app, world):
    return make_station(app, world), make_station(app, world, org="LX-B-1")


def read(app, text, now=NOW):
    with app.test_request_context("/api/v1/"):
        return codes.read_code(text, now=now)


def make(app, station_id, kind, now=NOW):
    with app.test_request_context("/"):
        return codes.make_code(db.session.get(Station, station_id), kind, now)


def test_static_code_names_its_station(app, station_ids):
    code = make(app, station_ids[0], codes.STATIC)
    with app.test_request_context("/"):
        scanned = codes.read_code(code, now=NOW)
        assert (scanned.station.id, scanned.kind) == (station_ids[0], codes.STATIC)
        # the whole URL from a scanner works as well as the bare code
        assert codes.read_code(codes.code_url(code), now=NOW).station.id == station_ids[0]


@pytest.mark.parametrize("tamper", [
    lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"),      # forged signature
    lambda c: c.replace(".s0.", ".r0."),                                  # kind changed
    lambda c: "S" + str(int(c[1:].split(".")[0]) + 1) + c[c.index("."):],  # another station's id
    lambda c: "garbage",
    lambda c: "",
])
def test_forged_or_altered_codes_are_invalid(app, station_ids, tamper):
    code = make(app, station_ids[0], codes.STATIC)
    with pytest.raises(codes.InvalidCode):
        read(app, tamper(code))


def test_a_code_signed_for_another_station_is_refused(app, station_ids):
    other = make(app, station_ids[1], codes.STATIC)
    forged = f"S{station_ids[0]}" + other[other.index("."):]
    with pytest.raises(codes.InvalidCode):
        read(app, forged)


def test_reset_revokes_the_printed_code_at_once(app, world, station_ids):
    old = make(app, station_ids[0], codes.STATIC)
    with app.test_request_context("/"):
        station = db.session.get(Station, station_ids[0])
        codes.reset_code(db.session.get(User, world.a_admin.id), station, now=NOW)
        db.session.commit()
    with pytest.raises(codes.InvalidCode):
        read(app, old)
    assert read(app, make(app, station_ids[0], codes.STATIC)).station.id == station_ids[0]
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.action == "station.code_reset"))
        assert (event.before, event.after) == ({"key_version": 1}, {"key_version": 2})


def test_rotating_code_lives_for_its_step_and_the_next(app, station_ids):
    code = make(app, station_ids[0], codes.ROTATING, NOW)
    step_start = datetime.fromtimestamp(codes.current_step(NOW) * 30, tz=timezone.utc)
    assert read(app, code, step_start + timedelta(seconds=29)).kind == codes.ROTATING
    assert read(app, code, step_start + timedelta(seconds=59)).kind == codes.ROTATING
    with pytest.raises(codes.ExpiredCode):
        read(app, code, step_start + timedelta(seconds=60))   # two steps old
    with pytest.raises(codes.ExpiredCode):
        read(app, code, step_start - timedelta(seconds=1))    # from the future


def test_a_station_may_require_the_rotating_code(app, station_ids):
    static = make(app, station_ids[0], codes.STATIC)
    with app.app_context():
        db.session.get(Station, station_ids[0]).require_rotating_code = True
        db.session.commit()
    with pytest.raises(codes.InvalidCode) as info:
        read(app, static)
    assert info.value.code == "rotating_code_required"
    assert read(app, make(app, station_ids[0], codes.ROTATING)).kind == codes.ROTATING


def test_qr_from_the_api_decodes_to_a_code_that_reads_back(app, client, world, api_token, station_ids, signed_in):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image
    response = client.get(f"/api/v1/stations/{station_ids[0]}/qr?format=png&kind=static",
                          headers={"Authorization": f"Bearer {api_token(world.a_manager)}"})
    assert response.status_code == 200 and response.mimetype == "image/png"
    # QR only: a QR's modules can also read as a stray 1D barcode to an all-formats decoder
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(response.data)),
                                                      formats=zxingcpp.BarcodeFormat.QRCode)]
    assert len(decoded) == 1 and "/s/S" in decoded[0]
    assert read(app, decoded[0], datetime.now(timezone.utc)).station.id == station_ids[0]
    # opened by a signed-in volunteer's phone: the scan page of that station
    page = signed_in(world.a_volunteer).get(decoded[0].split("localhost", 1)[-1])
    assert page.status_code == 200 and "甲村志愿驿站" in page.get_data(as_text=True)


def test_svg_qr_is_vector_and_zbar_reads_the_png(app, client, world, api_token, station_ids):
    headers = {"Authorization": f"Bearer {api_token(world.a_admin)}"}
    svg = client.get(f"/api/v1/stations/{station_ids[0]}/qr?format=svg", headers=headers)
    assert svg.mimetype == "image/svg+xml" and b"<path" in svg.data and b"<image" not in svg.data
    require_tool(shutil.which("zbarimg") is not None, "zbarimg (apt-get install zbar-tools)")
    png = client.get(f"/api/v1/stations/{station_ids[0]}/qr?format=png&kind=rotating", headers=headers)
    result = subprocess.run(["zbarimg", "--quiet", "--raw", "-"], input=png.data, capture_output=True, check=True)
    assert result.stdout.decode().strip() == png.headers["X-Code-Text"]


@pytest.mark.parametrize("who, expected", [("a_manager", 200), ("city_admin", 200), ("b_admin", 404),
                                           ("a_volunteer", 404)])
def test_qr_only_for_staff_over_the_station(client, world, api_token, station_ids, who, expected):
    response = client.get(f"/api/v1/stations/{station_ids[0]}/qr",
                          headers={"Authorization": f"Bearer {api_token(getattr(world, who))}"})
    assert response.status_code == expected


def test_scan_page_refuses_a_bad_code_in_chinese(client):
    page = client.get("/s/S1.1.s0.notarealsignature0000000000")
    assert page.status_code == 400
    assert "签到码无效" in page.get_data(as_text=True)


def test_display_page_serves_a_fresh_rotating_code(app, world, signed_in, station_ids):
    lead = signed_in(world.a_manager)
    page = lead.get(f"/stations/{station_ids[0]}/display")
    assert page.status_code == 200 and "display.js" in page.get_data(as_text=True)
    image = lead.get(f"/stations/{station_ids[0]}/rotating.png")
    assert image.headers["Cache-Control"] == "no-store"
    scanned = read(app, image.headers["X-Code-Text"], datetime.now(timezone.utc))
    assert scanned.kind == codes.ROTATING and scanned.station.id == station_ids[0]
    assert signed_in(world.b_admin).get(f"/stations/{station_ids[0]}/rotating.png").status_code == 404


def test_a_replaced_code_says_so_and_every_refusal_names_its_station(app, world, station_ids):
    old = make(app, station_ids[0], codes.STATIC)
    rotating = make(app, station_ids[0], codes.ROTATING, NOW)
    with app.test_request_context("/"):
        codes.reset_code(db.session.get(User, world.a_admin.id), db.session.get(Station, station_ids[0]), now=NOW)
        db.session.commit()
    with app.test_request_context("/api/v1/", headers={"Accept-Language": "en"}):
        with pytest.raises(codes.InvalidCode) as info:
            codes.read_code(old, now=NOW)
        assert "replaced" in str(info.value.message)  # not a forgery: the poster is simply old
        assert info.value.station.id == station_ids[0]  # so the scan log can name the station
        fresh = codes.make_code(db.session.get(Station, station_ids[0]), codes.ROTATING, NOW)
        with pytest.raises(codes.ExpiredCode) as info:
            codes.read_code(fresh, now=NOW + timedelta(minutes=5))
        assert info.value.station.id == station_ids[0]
    with pytest.raises(codes.InvalidCode):
        read(app, rotating)
    with app.test_request_context("/"):  # the web's first language
        with pytest.raises(codes.InvalidCode) as info:
            codes.read_code(old, now=NOW)
        assert re.search(r"[\u4e00-\u9fff]", str(info.value.message))


def test_a_poster_code_needs_no_moment_but_a_screen_code_does(app, station_ids):
    with app.test_request_context("/"):
        station = db.session.get(Station, station_ids[0])
        assert codes.read_code(codes.make_code(station, codes.STATIC), now=NOW).kind == codes.STATIC
        with pytest.raises(ValueError):
            codes.make_code(station, codes.ROTATING)


def test_the_qr_holds_a_full_url_a_phone_camera_can_open(app, station_ids):
    code = make(app, station_ids[0], codes.STATIC)
    with app.test_request_context("/"):
        url = codes.code_url(code)
    assert url.startswith(("http://", "https://")) and url.endswith("/" + code)


@pytest.mark.parametrize("scanned", ["{url}/", " {url} ", "{code}", " {code}\n", "{code}/"])
def test_what_a_scanner_adds_around_the_code_is_ignored(app, station_ids, scanned):
    code = make(app, station_ids[0], codes.STATIC)
    with app.test_request_context("/"):
        text = scanned.format(url=codes.code_url(code), code=code)
        assert codes.read_code(text, now=NOW).station.id == station_ids[0]


def test_only_the_slashes_a_scanner_adds_are_dropped():
    """A signature may end in any of its letters: only slashes go, never the code's own end."""
    for code in ("S1.1.s0.abcdefghijklmnopqrstX", "S1.1.s0.abcdefghijklmnopqrst-", "S1.1.s0.abcdefghijklmnopqrs_X"):
        assert codes.extract_code(f"https://example.org/s/{code}/") == code


def signed(app, station_id, payload: str) -> str:
    """A code signed as the module's docstring specifies: HMAC-SHA256 (itsdangerous) under the
    app's secret and the station's secret, salted with the station and the key version."""
    with app.app_context():
        station = db.session.get(Station, station_id)
        signer = Signer(f"{app.config['SECRET_KEY']}:{station.secret}",
                        salt=f"station-code:{station.id}:{station.key_version}", digest_method=hashlib.sha256)
        return signer.sign(payload).decode()


def test_posters_already_printed_stay_valid_across_releases(app, station_ids):
    """The key and the code's text are a format printed on paper: they may not drift."""
    with app.app_context():
        station = db.session.get(Station, station_ids[0])
        payload = f"S{station.id}.{station.key_version}.s0"
    assert make(app, station_ids[0], codes.STATIC) == signed(app, station_ids[0], payload)
    assert read(app, signed(app, station_ids[0], payload)).station.id == station_ids[0]


def test_a_static_code_with_a_step_is_refused_even_when_signed(app, station_ids):
    with app.app_context():
        station = db.session.get(Station, station_ids[0])
        payload = f"S{station.id}.{station.key_version}.s{codes.current_step(NOW)}"
    with pytest.raises(codes.InvalidCode) as info:
        read(app, signed(app, station_ids[0], payload))
    assert info.value.code == "invalid_code"
