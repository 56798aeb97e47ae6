"""The demo's seal: a round red seal with the organisation's name along the upper edge and a
five-pointed star in the middle, as Chinese official seals look, drawn as a PNG with a transparent
background (what the seal upload asks for). Only the demo draws seals; a real organisation uploads
a scan of its own."""
from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont

SIZE = 480
INK = (200, 20, 20)
# A stamp in red ink over the issuer's printed name lets the name show through.
INK_ALPHA = 210
_SCALE = 4  # drawn at four times the size and reduced, for smooth edges (Pillow's shapes are not)


def star_points(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    """A regular five-pointed star, one point up: ten vertices alternating between the outer
    radius and the inner one where the edges cross (outer × sin 18° / sin 126°)."""
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(126))
    points = []
    for index in range(10):
        angle = math.radians(-90 + index * 36)
        radius = outer if index % 2 == 0 else inner
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def seal_png(name: str, *, font_path: str, size: int = SIZE) -> bytes:
    """The seal of ``name``: its characters upright along the upper arc, read clockwise from the
    lower left, as on a real seal; the font must have the characters (a CJK TrueType font)."""
    big = size * _SCALE
    centre = big / 2
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)

    ring_outer = big * 0.48
    ring_width = big * 0.04
    draw.ellipse((centre - ring_outer, centre - ring_outer, centre + ring_outer, centre + ring_outer),
                 outline=255, width=round(ring_width))
    draw.polygon(star_points(centre, centre, big * 0.19), fill=255)

    glyph = round(big * 0.13)
    font = ImageFont.truetype(font_path, glyph, index=0)
    text_radius = ring_outer - ring_width - glyph * 0.68  # the characters' centres, inside the ring
    # Spread over up to 240° (a long name), at least 150° (a short one stays a seal's arc, not a word).
    natural = math.degrees(glyph * 1.05 / text_radius) * max(len(name) - 1, 1)
    span = min(240.0, max(150.0, natural)) if len(name) > 1 else 0.0
    for index, character in enumerate(name):
        offset = -span / 2 + (span * index / (len(name) - 1) if len(name) > 1 else 0)
        tile = Image.new("L", (glyph * 2, glyph * 2), 0)
        # stroked a little: a seal's characters are bolder than the font's regular weight
        ImageDraw.Draw(tile).text((glyph, glyph), character, font=font, fill=255, anchor="mm",
                                  stroke_width=max(1, glyph // 70), stroke_fill=255)
        # clockwise by its angle from the top, so that each character's foot faces the centre
        tile = tile.rotate(-offset, resample=Image.Resampling.BICUBIC)
        angle = math.radians(-90 + offset)
        x = centre + text_radius * math.cos(angle) - glyph
        y = centre + text_radius * math.sin(angle) - glyph
        mask.paste(255, (round(x), round(y)), tile)

    mask = mask.resize((size, size), Image.Resampling.LANCZOS).point(lambda v: v * INK_ALPHA // 255)
    image = Image.new("RGBA", (size, size), INK + (0,))
    image.putalpha(mask)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
