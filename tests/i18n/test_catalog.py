"""Every user-facing string is translatable, and the Chinese catalog translates all of them."""
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def keywords() -> list[str]:
    """The extraction keywords `make extract-messages` uses, from the Makefile itself."""
    line = re.search(r"^BABEL_KEYWORDS := (.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert line, "the Makefile names its extraction keywords in BABEL_KEYWORDS"
    return line.group(1).split()


def extracted_ids(tmp_path) -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) of every string in the code: a pgettext string needs its own context's entry."""
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    *keywords(), "-o", str(pot), "--omit-header", "."],
                   cwd=ROOT, check=True, capture_output=True)
    return {(m.context, m.id) for m in read_po(pot.open("rb")) if m.id}


def test_chinese_catalog_translates_every_string_in_the_code(tmp_path):
    catalog = read_po(CATALOG.open("rb"))
    translated = {(m.context, m.id) for m in catalog if m.id and m.string and not m.fuzzy}
    missing = extracted_ids(tmp_path) - translated
    assert not missing, f"run `make extract-messages` and translate: {sorted(missing)[:20]}"


def test_translations_keep_their_placeholders():
    placeholder = re.compile(r"%\(\w+\)s")
    for message in read_po(CATALOG.open("rb")):
        if message.id and message.string:
            assert sorted(placeholder.findall(message.id)) == sorted(placeholder.findall(message.string)), message.id


def test_templates_have_no_untranslated_text():
    """Text between tags in templates goes through _(); a stray literal word shows up here."""
    literal = re.compile(r">\s*([A-Za-z][A-Za-z ,.'!?-]{3,})\s*<")
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        for match in literal.finditer(template.read_text()):
            offenders.append(f"{template.name}: {match.group(1)}")
    assert not offenders, offenders


def test_english_pages_have_no_chinese_ui_text(client):
    client.set_cookie("lang", "en")
    for url in ("/", "/login", "/register", "/privacy"):
        html = client.get(url).get_data(as_text=True)
        # organisation names are data; the page chrome must be English
        chrome = re.sub(r"<option[^>]*>.*?</option>", "", html, flags=re.S)
        assert not re.search(r"[\u4e00-\u9fff]", chrome.replace("中文", "")), url

