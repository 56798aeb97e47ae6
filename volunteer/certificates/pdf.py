"""The certificate as an A4 PDF, drawn from the layout (layout.py) and what the certificate states.

The output is deterministic (reportlab's invariant mode: no creation date or random id), so the
same certificate always gives the same bytes and the SHA-256 in the register can be checked."""
from __future__ import annotations

import io
import re
from functools import lru_cache

from flask import current_app
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from volunteer.certificates.layout import load_layout
from volunteer.core.pdf import cjk_font, draw_qr

WIDTH, HEIGHT = A4


@lru_cache(maxsize=4)
def _layout(path: str | None) -> dict:
    return load_layout(path)


def layout() -> dict:
    return _layout(current_app.config.get("CERTIFICATE_LAYOUT_PATH"))


_UNBROKEN = re.compile(r"[A-Za-z0-9*\-_./:]+|.", re.S)


@lru_cache(maxsize=16)
def _seal_image(png: bytes) -> ImageReader:
    """Decoded once per seal and process: a batch draws the same seal on every page."""
    return ImageReader(io.BytesIO(png))


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines no wider than ``width`` points; Chinese breaks between any two characters, numbers
    and codes (an ID, a volunteer number) stay whole."""
    lines, line = [], ""
    for token in _UNBROKEN.findall(text):
        if stringWidth(line + token, font, size) > width and line:
            lines.append(line)
            line = token
        else:
            line += token
    return lines + [line] if line else lines


def _y(top_mm: float) -> float:
    return HEIGHT - top_mm * mm


def _text(pdf, font, spec: dict, text: str) -> None:
    pdf.setFont(font, spec["size"])
    align = spec.get("align", "left")
    x, y = spec["x"] * mm, _y(spec["y"])
    if align == "center":
        pdf.drawCentredString(x, y, text)
    elif align == "right":
        pdf.drawRightString(x, y, text)
    else:
        pdf.drawString(x, y, text)


def render(fields: dict, projects: list[tuple[str, float]], verify_url: str, seal_png: bytes | None) -> bytes:
    """``fields`` fill the layout's placeholders; ``projects`` are (title, hours) rows."""
    spec, font = layout(), cjk_font()
    buffer = io.BytesIO()
    # Our font from the start: no unembedded Helvetica in the file.
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1, invariant=1, initialFontName=font)
    pdf.setTitle(f"{spec['title']['text']} {fields['serial']}")
    pdf.setAuthor(fields["issuer"])

    _text(pdf, font, spec["title"], spec["title"]["text"].format(**fields))
    _text(pdf, font, spec["subtitle"], spec["subtitle"]["text"].format(**fields))

    body = spec["body"]
    y = body["y"]
    pdf.setFont(font, body["size"])
    for paragraph in body["paragraphs"]:
        for line in _wrap(paragraph.format(**fields), font, body["size"], body["width"] * mm):
            pdf.drawString(body["x"] * mm, _y(y), line)
            y += body["leading"]
        y += body["leading"] / 3

    table = spec["table"]
    y += 2
    pdf.setFont(font, table["size"])
    for label, x in zip(table["headers"], (table["x"], table["x"] + table["hours_column"]), strict=True):
        (pdf.drawString if x == table["x"] else pdf.drawRightString)(x * mm, _y(y), label)
    pdf.line(table["x"] * mm, _y(y + 2), (table["x"] + table["width"]) * mm, _y(y + 2))
    shown = projects if len(projects) <= table["max_rows"] else projects[:table["max_rows"] - 1]
    rows = [(title, f"{hours:.1f}") for title, hours in shown]
    if len(shown) < len(projects):
        rest = projects[len(shown):]
        rows.append((table["more"].format(count=len(rest), hours=f"{sum(h for _, h in rest):.1f}"), ""))
    for title, hours in rows:
        y += table["row_height"]
        name = _wrap(title, font, table["size"], (table["hours_column"] - 30) * mm)
        pdf.drawString(table["x"] * mm, _y(y), name[0] + ("…" if len(name) > 1 else ""))
        pdf.drawRightString((table["x"] + table["hours_column"]) * mm, _y(y), hours)

    seal = spec["seal"]
    if seal_png:
        size = seal["size"] * mm
        pdf.drawImage(_seal_image(seal_png), seal["x"] * mm, _y(seal["y"]) - size, size, size,
                      mask="auto", preserveAspectRatio=True)

    sign = spec["signature"]
    pdf.setFont(font, sign["size"])
    for index, line in enumerate(sign["lines"]):
        pdf.drawString(sign["x"] * mm, _y(sign["y"] + index * sign["leading"]), line.format(**fields))

    qr = spec["qr"]
    size = qr["size"] * mm
    draw_qr(pdf, verify_url, qr["x"] * mm, _y(qr["y"]) - size, size)
    pdf.setFont(font, qr["caption_size"])
    pdf.drawCentredString(qr["x"] * mm + size / 2, _y(qr["y"]) - size - 4 * mm, qr["caption"])
    if "code" in spec:  # typed in at the verification page with the serial
        _text(pdf, font, spec["code"], spec["code"]["text"].format(**fields))

    note = spec["note"]
    pdf.setFont(font, note["size"])
    for index, line in enumerate(_wrap(note["text"], font, note["size"], note["width"] * mm)):
        pdf.drawString(note["x"] * mm, _y(note["y"] + index * note["leading"]), line)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
