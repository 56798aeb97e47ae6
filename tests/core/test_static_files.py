"""What a weak phone connection gets: static files under URLs that name their content, kept by the
browser for a year and sent compressed; the pages themselves small, uncompressed (BREACH) and
never cached; a favicon and a description; nothing in a page that moves or loads before it is
needed."""
from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import brotli

from volunteer.web.templating import static_version

STATIC = Path(__file__).resolve().parents[2] / "static"
STATIC_LINK = re.compile(r'(?:href|src|data-[a-z]+)="(/static/[^"]+)"')


def _static_links(html: str) -> list[str]:
    return STATIC_LINK.findall(html)


def _head(html: str) -> str:
    return html[:html.index("</head>")]


def test_a_pages_static_links_name_the_content_of_their_files(client):
    html = client.get("/login").get_data(as_text=True)
    links = _static_links(html)
    assert {"/static/vendor/pico/pico.min.css", "/static/css/app.css", "/static/js/app.js",
            "/static/favicon.svg"} <= {link.split("?")[0] for link in links}
    for link in links:
        path, _, query = link.partition("?v=")
        content = (STATIC / path.removeprefix("/static/")).read_bytes()
        assert query == hashlib.sha256(content).hexdigest()[:12], link


def test_a_changed_file_gets_a_new_address(tmp_path):
    (tmp_path / "app.css").write_text("body { color: red; }")
    first = static_version(str(tmp_path), "app.css")
    (tmp_path / "app.css").write_text("body { color: blue; }")  # an edit while the app runs
    assert static_version(str(tmp_path), "app.css") not in (None, first)
    assert static_version(str(tmp_path), "missing.css") is None
    assert static_version(str(tmp_path), "../etc/passwd") is None


def test_a_hashed_file_is_kept_a_year_and_any_other_is_asked_for_again(client):
    link = next(link for link in _static_links(client.get("/login").get_data(as_text=True)) if "app.css" in link)
    kept = client.get(link)
    assert kept.status_code == 200
    assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for other in (link.split("?")[0], link.split("?")[0] + "?v=000000000000"):  # no hash, or last release's
        answer = client.get(other)
        assert answer.status_code == 200
        assert "immutable" not in answer.headers["Cache-Control"] and "no-cache" in answer.headers["Cache-Control"]
    assert client.get("/login").headers["Cache-Control"] == "no-store"  # pages stay uncached


def test_the_css_comes_compressed_to_a_browser_that_accepts_it(client):
    link = next(link for link in _static_links(client.get("/login").get_data(as_text=True)) if "pico" in link)
    original = (STATIC / "vendor/pico/pico.min.css").read_bytes()
    zipped = client.get(link, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert "immutable" in zipped.headers["Cache-Control"]
    assert gzip.decompress(zipped.data) == original
    assert len(zipped.data) < len(original) / 4
    modern = client.get(link, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert modern.headers["Content-Encoding"] == "br" and brotli.decompress(modern.data) == original
    plain = client.get(link)
    assert "Content-Encoding" not in plain.headers and plain.data == original
    script = client.get("/static/vendor/zxing-wasm/zxing_reader.wasm", headers={"Accept-Encoding": "gzip"})
    assert script.headers["Content-Encoding"] == "gzip"


def test_pages_are_not_compressed_because_they_carry_the_csrf_token(client):
    page = client.get("/register", headers={"Accept-Encoding": "gzip, br"})
    assert 'name="csrf_token"' in page.get_data(as_text=True)
    assert "Content-Encoding" not in page.headers


def test_the_pico_css_is_trimmed_to_what_the_pages_use(client):
    css = (STATIC / "vendor/pico/pico.min.css").read_text()
    assert len(css) < 72_000  # the whole framework is 83 KB
    assert "[data-tooltip]" not in css and "dialog" not in css
    assert ".container" in css and "[role=search]" in css and "progress" in css


# The Pico modules static/scss/pico.scss leaves out, and what a page would use them by.
LEFT_OUT = {"forms/input-color": r'type="color"|ColorField', "forms/input-range": r'type="range"|RangeField',
            "components/loading": r"aria-busy", "components/modal": r"<dialog|showModal",
            "components/tooltip": r"data-tooltip"}


def test_no_page_uses_a_pico_module_left_out_of_the_build():
    root = STATIC.parent
    scss = (STATIC / "scss/pico.scss").read_text()
    files = [*root.glob("templates/**/*.html"), *root.glob("static/js/*.js"), *root.glob("volunteer/**/forms.py")]
    for module, usage in LEFT_OUT.items():
        assert f'"{module}": false' in scss
        users = [str(f.relative_to(root)) for f in files if re.search(usage, f.read_text())]
        assert not users, f"{users} use Pico's {module}: switch it on in static/scss/pico.scss, then `make assets`"


def test_every_page_has_a_favicon_and_a_description(client):
    head = _head(client.get("/login").get_data(as_text=True))
    assert re.search(r'<link rel="icon" href="/static/favicon\.svg\?v=\w+" type="image/svg\+xml">', head)
    description = re.search(r'<meta name="description" content="([^"]+)">', head)
    assert description and "志愿服务" in description.group(1) and "签到" in description.group(1)
    icon = client.get("/static/favicon.svg")
    assert icon.mimetype == "image/svg+xml" and b"<svg" in icon.data


def test_the_kiosk_loads_the_camera_decoder_only_when_asked(world, now_site, signed_in):
    html = signed_in(now_site.lead).get(f"/stations/{now_site.station_id}/kiosk").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert not [s for s in scripts if "zxing" in s], "the decoder is not loaded with the page"
    assert re.search(r'data-zxing="/static/vendor/zxing-wasm/zxing-reader\.js\?v=\w+"', html)


def test_the_cards_qr_code_has_its_size_before_it_loads(world, signed_in):
    html = signed_in(world.a_volunteer).get("/me/card").get_data(as_text=True)
    image = re.search(r'<img class="qr"[^>]*>', html).group(0)
    assert 'width="240"' in image and 'height="240"' in image


def test_the_guardian_fields_come_hidden_unless_they_need_an_answer(world, client, browser):
    html = client.get("/register").get_data(as_text=True)
    fieldset = re.search(r'<fieldset id="guardian-fields"[^>]*>', html).group(0)
    assert " hidden" in fieldset
    minor = browser.post_form("/register", {"name": "王小明", "phone": "13900001234", "id_number": _minor_id(),
                                            "password": "secret123", "organisation_code": "LX-A-1"},
                              form_url="/register")
    fieldset = re.search(r'<fieldset id="guardian-fields"[^>]*>', minor.get_data(as_text=True)).group(0)
    assert " hidden" not in fieldset and "data-force-open" in fieldset


def _minor_id() -> str:
    from datetime import date

    from volunteer.accounts.identity import check_digit
    first17 = f"330102{date.today().year - 12}0101001"
    return first17 + check_digit(first17)


def test_a_page_of_many_forms_names_no_id_twice_and_numbers_bring_up_a_keypad(app):
    from wtforms import DecimalField, IntegerField, StringField

    from volunteer.core.forms import Form

    class Sample(Form):
        count = IntegerField()
        share = DecimalField()
        name = StringField()

    with app.test_request_context():
        first, second = Sample(), Sample()
        html = str(first.csrf_token) + str(second.csrf_token)
        assert 'id="csrf_token"' not in html and html.count('name="csrf_token"') == 2
        assert 'inputmode="numeric"' in str(first.count) and 'inputmode="decimal"' in str(first.share)
        assert "inputmode" not in str(first.name)
