"""The demo's seal, decoded as a reader of a certificate sees it: a red ring round the edge, the
organisation's name along the upper arc inside it, a five-pointed star in the middle, and nothing
else on a transparent background."""
from __future__ import annotations

import io
import math
import os

import pytest
from PIL import Image

from tests.conftest import require_tool
from volunteer.demo_seal import seal_png

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


@pytest.fixture(autouse=True)
def _font():
    require_tool(os.path.exists(FONT), "the CJK font (apt-get install fonts-wqy-microhei)")


def _red(name: str):
    image = Image.open(io.BytesIO(seal_png(name, font_path=FONT)))
    assert image.format == "PNG" and image.mode == "RGBA"
    pixels = image.load()

    def red(x: int, y: int) -> bool:
        r, g, b, a = pixels[x, y]
        return a > 100 and r > 150 and g < 90 and b < 90

    return image, red


def _circle(red, size, radius_share, degrees=range(0, 360)):
    """Which of the points at this share of the size from the centre are red, angle by angle
    (0° at the top, clockwise)."""
    centre = size / 2
    return [red(round(centre + radius_share * size * math.sin(math.radians(a))),
                round(centre - radius_share * size * math.cos(math.radians(a)))) for a in degrees]


def _runs(flags) -> int:
    """How many separate red stretches go round the circle."""
    return sum(1 for i, flag in enumerate(flags) if flag and not flags[i - 1])


def test_the_seal_is_a_red_ring_with_a_star_on_a_transparent_ground():
    image, red = _red("青山镇团委")
    size = image.width
    assert image.height == size and 100 <= size <= 2000  # what the seal upload accepts
    for corner in ((0, 0), (size - 1, 0), (0, size - 1), (size - 1, size - 1), (size // 2, size // 2 + size // 5)):
        assert image.getpixel(corner)[3] == 0  # transparent outside the ring and between star and text
    ring = _circle(red, size, 0.46)
    assert all(ring), "the ring is closed"
    assert not any(_circle(red, size, 0.495)), "nothing outside the ring"

    # a circle through the star's arms crosses five points, evenly spaced, one at the top
    arms = _circle(red, size, 0.12)
    assert _runs(arms) == 5
    assert arms[0] and arms[72] and arms[144] and arms[216] and arms[288]
    assert red(size // 2, size // 2)  # filled

    # the star is the same on both sides of its upright axis
    star = {(x, y) for x in range(int(size * 0.28), int(size * 0.72)) for y in range(int(size * 0.28), int(size * 0.72))
            if red(x, y)}
    mirrored = {(size - 1 - x, y) for x, y in star}
    assert len(star & mirrored) / len(star | mirrored) > 0.97


def test_the_name_runs_along_the_upper_arc_between_the_ring_and_the_star():
    image, red = _red("青山镇团委")
    size = image.width
    band = [red(x, y) for y in range(size) for x in range(size)
            if 0.25 * size < math.dist((x, y), (size / 2, size / 2)) < 0.42 * size]
    assert sum(band) > 0.03 * len(band), "characters fill part of the band inside the ring"
    # five characters: five separate clusters along the arc, over the top and not at the bottom
    text = _circle(red, size, 0.33, range(-120, 121))
    assert any(text[:60]) and any(text[-60:]) and any(text[100:140])
    assert not any(_circle(red, size, 0.33, range(150, 211)))
    columns = [any(_circle(red, size, share / 100, [a])[0] for share in range(27, 40)) for a in range(-120, 121)]
    assert _runs([False] + columns) == 5

    other, other_red = _red("白河街道团工委")
    differs = sum(red(x, y) != other_red(x, y) for x in range(0, size, 2) for y in range(0, size // 2, 2))
    assert differs > 500, "the text is the organisation's name, not a fixed picture"
