"""What every PDF of ours shares: the embedded CJK font and QR codes drawn as vector shapes.

The font is a TrueType CJK font (WenQuanYi Micro Hei from Debian's fonts-wqy-microhei, or
CJK_FONT_PATH), embedded as a subset so every viewer shows the text and extraction returns it;
reportlab cannot embed the CFF-based Noto CJK fonts. The QR code is drawn from the qrcode
library's matrix as rectangles: several times faster than reportlab's own QR widget."""
from __future__ import annotations

import os
from functools import lru_cache

import qrcode
from flask import current_app
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

# Binary streams rather than ASCII85: a fifth smaller, and no pure-Python encoding of every font
# subset and image (reportlab's C accelerator is not installed).
rl_config.useA85 = 0

FONT_NAME = "VolunteerCJK"
DEFAULT_FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


class FontMissing(RuntimeError):
    pass


@lru_cache(maxsize=4)
def register_font(path: str) -> str:
    """Register the CJK font once per process (reportlab keeps it globally)."""
    if not os.path.exists(path):
        raise FontMissing(f"CJK font not found at {path}; install fonts-wqy-microhei or set CJK_FONT_PATH")
    pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
    return FONT_NAME


def draw_qr(pdf: canvas.Canvas, text: str, x: float, y: float, size: float) -> None:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    cell = size / len(matrix)
    pdf.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * cell
        column = 0
        while column < len(row):  # one rectangle per run of dark modules keeps the file small
            if row[column]:
                start = column
                while column < len(row) and row[column]:
                    column += 1
                pdf.rect(x + start * cell, top, (column - start) * cell, cell, stroke=0, fill=1)
            else:
                column += 1


def cjk_font() -> str:
    return register_font(current_app.config.get("CJK_FONT_PATH") or DEFAULT_FONT_PATH)
