"""The practice certificate (社会实践证明) as an A4 PDF in Chinese: the student, their school and
post, the days present, the host unit's evaluation under the unit's seal, the league's signature
and seal, and the QR code that verifies it like a service certificate. Its wording and positions
are data (millimetres from the page's top-left corner; ``{placeholders}`` from the snapshot);
reportlab's invariant mode keeps the same certificate the same bytes."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

from volunteer.core.pdf import cjk_font, draw_qr

WIDTH, HEIGHT = A4

LAYOUT: dict = {
    "title": {"text": "社会实践证明", "x": 105, "y": 36, "size": 24},
    "subtitle": {"text": "证明编号：{serial}", "x": 185, "y": 48, "size": 10},
    "body": {"text": "兹证明 {name}（{school}，学号：{student_number}，{major}专业）于 {period} 参加 {issuer} "
                     "组织的“{programme}”，在 {unit} 的“{post}”岗位（{post_kind}）实践，出勤 {days} 天。",
             "x": 25, "y": 58, "width": 160, "size": 13, "leading": 22},
    "evaluation": {"x": 25, "y": 108, "width": 160, "height": 72, "size": 11, "leading": 17,
                   "heading": "接收单位评价：{rating}", "comments": "评语：{comments}",
                   "lines": ["接收单位（盖章）：{unit}", "评价日期：{evaluated_on}"], "lines_x": 110, "lines_y": 166,
                   "seal": {"x": 138, "y": 140, "size": 36}},
    "signature": {"x": 110, "y": 206, "size": 12, "leading": 8,
                  "lines": ["出具组织：{issuer}", "负责人：{person_in_charge}", "经办人：{handled_by}", "出具日期：{date}"]},
    "seal": {"x": 128, "y": 182, "size": 42},
    "qr": {"x": 25, "y": 200, "size": 32, "caption": "扫码核验真伪", "caption_size": 9},
    "code": {"text": "核验码：{code}", "x": 25, "y": 244, "size": 9},
    "note": {"text": "本证明记载学生在返家乡社会实践中的岗位、出勤与接收单位评价，可作为第二课堂成绩认定的依据。"
                     "证明真伪以扫描二维码，或在核验页面输入证明编号和核验码查询的结果为准。",
             "x": 25, "y": 252, "width": 160, "size": 8.5, "leading": 13},
}


def _y(top_mm: float) -> float:
    return HEIGHT - top_mm * mm


def _paragraph(pdf, font: str, text: str, x: float, top: float, width: float, size: float, leading: float) -> float:
    """Draw ``text`` wrapped (Chinese breaks anywhere) from ``top`` mm down; the height it took, in mm."""
    style = ParagraphStyle("p", fontName=font, fontSize=size, leading=leading, wordWrap="CJK")
    paragraph = Paragraph(escape(text), style)
    _w, height = paragraph.wrapOn(pdf, width * mm, HEIGHT)
    paragraph.drawOn(pdf, x * mm, _y(top) - height)
    return height / mm


def _image(pdf, png: bytes | None, spec: dict) -> None:
    if png:
        size = spec["size"] * mm
        pdf.drawImage(ImageReader(io.BytesIO(png)), spec["x"] * mm, _y(spec["y"]) - size, size, size, mask="auto",
                      preserveAspectRatio=True)


def render(fields: dict, verify_url: str, league_seal: bytes | None, unit_seal: bytes | None) -> bytes:
    spec, font = LAYOUT, cjk_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1, invariant=1, initialFontName=font)
    pdf.setTitle(f"{spec['title']['text']} {fields['serial']}")
    pdf.setAuthor(fields["issuer"])
    pdf.setFont(font, spec["title"]["size"])
    pdf.drawCentredString(spec["title"]["x"] * mm, _y(spec["title"]["y"]), spec["title"]["text"])
    pdf.setFont(font, spec["subtitle"]["size"])
    pdf.drawRightString(spec["subtitle"]["x"] * mm, _y(spec["subtitle"]["y"]), spec["subtitle"]["text"].format(**fields))
    body = spec["body"]
    _paragraph(pdf, font, body["text"].format(**fields), body["x"], body["y"], body["width"], body["size"],
               body["leading"])

    box = spec["evaluation"]
    pdf.rect(box["x"] * mm, _y(box["y"] + box["height"]), box["width"] * mm, box["height"] * mm)
    inner_x, inner_width = box["x"] + 4, box["width"] - 8
    top = box["y"] + 4 + _paragraph(pdf, font, box["heading"].format(**fields), inner_x, box["y"] + 4, inner_width,
                                    box["size"] + 1, box["leading"])
    _paragraph(pdf, font, box["comments"].format(**fields), inner_x, top + 1, inner_width, box["size"], box["leading"])
    _image(pdf, unit_seal, box["seal"])
    pdf.setFont(font, box["size"])
    for index, line in enumerate(box["lines"]):
        pdf.drawString(box["lines_x"] * mm, _y(box["lines_y"] + index * 6), line.format(**fields))

    _image(pdf, league_seal, spec["seal"])
    sign = spec["signature"]
    pdf.setFont(font, sign["size"])
    for index, line in enumerate(sign["lines"]):
        pdf.drawString(sign["x"] * mm, _y(sign["y"] + index * sign["leading"]), line.format(**fields))

    qr = spec["qr"]
    size = qr["size"] * mm
    draw_qr(pdf, verify_url, qr["x"] * mm, _y(qr["y"]) - size, size)
    pdf.setFont(font, qr["caption_size"])
    pdf.drawCentredString(qr["x"] * mm + size / 2, _y(qr["y"]) - size - 4 * mm, qr["caption"])
    pdf.setFont(font, spec["code"]["size"])
    pdf.drawString(spec["code"]["x"] * mm, _y(spec["code"]["y"]), spec["code"]["text"].format(**fields))
    note = spec["note"]
    _paragraph(pdf, font, note["text"], note["x"], note["y"], note["width"], note["size"], note["leading"])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
