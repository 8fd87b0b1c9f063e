"""An invented crest for the demo regency's letterheads.

A real village prints its regency's lambang on the kop surat and uploads it in its profile.
The demo has no right to any real regency's emblem, so it draws this one: a green shield with a
gold border, a star, rice and cotton, and a village hall (balai). It is drawn at four times its
size and scaled down, so the edges are smooth without any font or image file.
"""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw

GREEN = (22, 101, 52, 255)
GOLD = (212, 160, 23, 255)
WHITE = (255, 255, 255, 255)
RED = (185, 28, 28, 255)


def _star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    inner = outer * 0.4
    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        a = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return points


def _shield(w: float, h: float, inset: float) -> list[tuple[float, float]]:
    """Flat top, straight sides to 55 % of the height, then two curves meeting in a point."""
    left, right, top = inset, w - inset, inset
    side_end, tip = h * 0.55, (w / 2, h - inset)
    points = [(left, top), (right, top)]

    def curve(p0: tuple[float, float], c: tuple[float, float], p1: tuple[float, float]) -> None:
        for i in range(25):  # a quadratic Bézier
            t = i / 24
            points.append(
                (
                    (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * c[0] + t**2 * p1[0],
                    (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * c[1] + t**2 * p1[1],
                )
            )

    curve((right, side_end), (right, h * 0.86), tip)
    curve(tip, (left, h * 0.86), (left, side_end))
    return points


def demo_crest_png(width: int = 200) -> bytes:
    """The crest as a transparent PNG `width` pixels wide (height 1.15 × width)."""
    s = 4
    w, h = width * s, round(width * 1.15) * s
    image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    border = w * 0.045
    draw.polygon(_shield(w, h, border / 2), fill=GOLD)
    draw.polygon(_shield(w, h, border * 1.6), fill=GREEN)

    cx = w / 2
    draw.polygon(_star(cx, h * 0.17, w * 0.1), fill=GOLD)

    # The balai: a roof, three posts and a floor.
    roof_top, roof_base = h * 0.33, h * 0.47
    draw.polygon([(cx, roof_top), (cx + w * 0.24, roof_base), (cx - w * 0.24, roof_base)], fill=RED)
    floor = h * 0.64
    for dx in (-0.16, 0.0, 0.16):
        x = cx + w * dx
        draw.rectangle([x - w * 0.022, roof_base, x + w * 0.022, floor], fill=WHITE)
    draw.rectangle([cx - w * 0.22, floor, cx + w * 0.22, floor + h * 0.025], fill=WHITE)

    # Rice on the left, cotton on the right, curving up the shield's sides.
    for i in range(9):
        t = i / 8
        x = w * (0.2 + 0.03 * math.sin(t * math.pi))
        y = h * (0.62 - 0.34 * t)
        draw.ellipse([x - w * 0.022, y - h * 0.022, x + w * 0.022, y + h * 0.022], fill=GOLD)
    for i in range(5):
        t = i / 4
        x = w * (0.8 - 0.03 * math.sin(t * math.pi))
        y = h * (0.62 - 0.34 * t)
        draw.ellipse([x - w * 0.035, y - w * 0.035, x + w * 0.035, y + w * 0.035], fill=WHITE)
        draw.ellipse([x - w * 0.012, y + w * 0.03, x + w * 0.012, y + w * 0.055], fill=GOLD)

    # Waves below the hall: the regency's rivers and coast.
    for row in range(2):
        y0 = h * (0.71 + 0.05 * row)
        points = [(cx - w * 0.16 + i * w * 0.008, y0 + h * 0.012 * math.sin(i / 4)) for i in range(41)]
        draw.line(points, fill=WHITE, width=int(w * 0.014))

    small = image.resize((width, round(width * 1.15)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()
