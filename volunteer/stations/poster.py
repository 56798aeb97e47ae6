"""The A4 poster of a station's static code: name, QR code and how to use it, in Chinese.

Everything is vector: the QR code is drawn as rectangles from the qrcode library's matrix
(faster than reportlab's own QR widget, and sharp at any print size); the text uses an embedded
TrueType CJK font (subset), so every viewer shows it and text extraction returns it."""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from volunteer.core.pdf import cjk_font, draw_qr

STEPS = (
    "1. 打开手机相机或微信，扫描上方二维码。",
    "2. 登录（首次使用请先注册），页面显示“签到成功”。",
    "3. 服务结束时再次扫码，即完成签退，时长提交站长审核。",
    "没有手机？请到站长处使用个人志愿者码签到。",
)


def station_poster(station_name: str, organisation_name: str, code_url: str) -> bytes:
    font = cjk_font()
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{station_name} 签到码")
    pdf.setFont(font, 30)
    pdf.drawCentredString(width / 2, height - 40 * mm, station_name)
    pdf.setFont(font, 14)
    pdf.drawCentredString(width / 2, height - 52 * mm, organisation_name)
    pdf.setFont(font, 22)
    pdf.drawCentredString(width / 2, height - 72 * mm, "志愿服务扫码签到 / 签退")
    size = 110 * mm
    draw_qr(pdf, code_url, (width - size) / 2, height - 75 * mm - 10 * mm - size, size)
    pdf.setFont(font, 13)
    y = height - 75 * mm - 10 * mm - size - 15 * mm
    for line in STEPS:
        pdf.drawString(30 * mm, y, line)
        y -= 9 * mm
    pdf.setFont(font, 9)
    pdf.drawCentredString(width / 2, 15 * mm, "本码长期有效；如遗失或被翻拍，请站点管理员“重置签到码”后重新打印。")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
