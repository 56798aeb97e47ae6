"""The A4 poster: Chinese text that extracts, an embedded font, a QR code that decodes to a
working code, vector rather than bitmap."""
import io
import os
import shutil
import subprocess

import pytest

from tests.conftest import require_tool
from tests.stations.test_stations import make_station


@pytest.fixture
def poster(app, client, world, signed_in):
    require_tool(os.path.exists(app.config["CJK_FONT_PATH"]), "fonts-wqy-microhei")
    station_id = make_station(app, world)
    response = signed_in(world.a_manager).get(f"/stations/{station_id}/poster.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return station_id, response.data


def test_poster_text_and_font(poster):
    from pypdf import PdfReader
    _station_id, data = poster
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "甲村志愿驿站" in text and "扫码签到" in text and "甲村团支部" in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                   if "/DescendantFonts" in f.get_object() else f.get_object().get("/FontDescriptor")
                   for f in fonts.values()]
    assert any(d is not None and ("/FontFile2" in d.get_object()) for d in descriptors)  # embedded TrueType
    assert "/XObject" not in reader.pages[0]["/Resources"]  # no bitmap: the QR is drawn as vectors
    assert len(data) < 200_000


def test_poster_qr_decodes_to_the_stations_code(app, world, poster, tmp_path, signed_in):
    require_tool(shutil.which("pdftoppm") is not None and shutil.which("zbarimg") is not None,
                 "pdftoppm and zbarimg (poppler-utils, zbar-tools)")
    station_id, data = poster
    (tmp_path / "poster.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(tmp_path / "poster.pdf"),
                    str(tmp_path / "poster")], check=True)
    output = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "poster.png")],
                            capture_output=True, check=True).stdout.decode()
    from volunteer.extensions import db
    from volunteer.stations import codes
    from volunteer.stations.models import Station
    with app.test_request_context("/"):
        expected = codes.code_url(codes.make_code(db.session.get(Station, station_id), codes.STATIC))
    assert expected in output
    # opened by a signed-in volunteer's phone: the scan page of that station
    page = signed_in(world.a_volunteer).get(expected.split("localhost", 1)[-1])
    assert page.status_code == 200 and "甲村志愿驿站" in page.get_data(as_text=True)


def test_poster_scope(app, world, signed_in):
    station_id = make_station(app, world)
    assert signed_in(world.b_admin).get(f"/stations/{station_id}/poster.pdf").status_code == 404
