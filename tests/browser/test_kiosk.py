"""The station lead's kiosk in Chromium: a scanner gun types a card's code and Enter; the camera
reads a card held up to it (a fake camera playing a video of the card)."""
from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import launch, sign_in

pytestmark = pytest.mark.browser


def test_scanner_gun_types_the_card_into_the_kiosk(world, now_site, card, phone_page):
    page = phone_page
    sign_in(page, now_site.lead)
    page.goto(f"/stations/{now_site.station_id}/kiosk")
    field = page.locator("[data-testid=card-input]")
    expect(field).to_be_focused()  # no mouse needed
    page.keyboard.type(card(world.a_volunteer))
    page.keyboard.press("Enter")
    answer = page.locator("#kiosk-result .kiosk-answer")
    expect(answer).to_have_attribute("data-outcome", "checked_in")
    expect(answer).to_contain_text("王小明")
    expect(answer).to_have_css("background-color", "rgb(30, 126, 52)")
    expect(field).to_have_value("")
    expect(field).to_be_focused()
    assert page.url.endswith("/kiosk")  # answered in place, no reload

    page.keyboard.type("V1.1.notavalidcardnotavalidcard")
    page.keyboard.press("Enter")
    expect(answer).to_have_attribute("data-outcome", "refused")
    expect(answer).to_contain_text("这不是有效的志愿者卡")


def _video_of(png: bytes, path) -> None:
    """A few frames of raw YUV 4:2:0 video showing the image, for Chromium's fake camera."""
    from PIL import Image
    width, height = 640, 480
    frame = Image.new("L", (width, height), 255)
    qr = Image.open(io.BytesIO(png)).convert("L")
    qr.thumbnail((440, 440))
    frame.paste(qr, ((width - qr.width) // 2, (height - qr.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (width // 2 * height // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            out.write(b"FRAME\n" + luma + chroma + chroma)


def test_the_kiosk_camera_reads_a_card(world, now_site, signed_in, playwright, live_server, tmp_path):
    png = signed_in(world.a_volunteer).get("/me/card.png").data
    video = tmp_path / "card.y4m"
    _video_of(png, video)
    browser = launch(playwright, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                     f"--use-file-for-fake-video-capture={video}")
    try:
        context = browser.new_context(base_url=live_server, locale="zh-CN", permissions=["camera"])
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, now_site.lead)
        page.goto(f"/stations/{now_site.station_id}/kiosk")
        page.click("#camera-button")
        answer = page.locator("#kiosk-result .kiosk-answer")
        expect(answer).to_have_attribute("data-outcome", "checked_in")
        expect(answer).to_contain_text("王小明")
    finally:
        browser.close()
