"""Draw the example lab's figures and avatars with Pillow: simple, small, made by the project.

Run from anywhere: ``python examples/make_figures.py``. The PNGs are committed; re-running
redraws the same pictures (no randomness), so git sees no change.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
INK = (40, 48, 64)
PALETTE = [(66, 133, 244), (219, 68, 55), (244, 180, 0), (15, 157, 88), (171, 71, 188)]


def _canvas(width: int, height: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (width, height), "white")
    return image, ImageDraw.Draw(image)


def _box(draw: ImageDraw.ImageDraw, xy: tuple[int, int, int, int], fill, label: str) -> None:
    draw.rounded_rectangle(xy, radius=10, fill=fill, outline=INK, width=2)
    x0, y0, x1, y1 = xy
    draw.text(((x0 + x1) // 2, (y0 + y1) // 2), label, fill=INK, anchor="mm")


def _arrow(draw: ImageDraw.ImageDraw, start: tuple[int, int], end: tuple[int, int]) -> None:
    draw.line([start, end], fill=INK, width=2)
    ex, ey = end
    sx, sy = start
    if abs(ex - sx) >= abs(ey - sy):
        d = 1 if ex > sx else -1
        draw.polygon([(ex, ey), (ex - 10 * d, ey - 5), (ex - 10 * d, ey + 5)], fill=INK)
    else:
        d = 1 if ey > sy else -1
        draw.polygon([(ex, ey), (ex - 5, ey - 10 * d), (ex + 5, ey - 10 * d)], fill=INK)


def federated_calibration(path: Path) -> None:
    """Clients send calibrated updates to a server: the Calibrated Federated Learning project."""
    image, draw = _canvas(640, 300)
    server = (250, 20, 390, 80)
    _box(draw, server, (232, 240, 254), "server: calibrated average")
    for i in range(4):
        x = 30 + i * 155
        client = (x, 200, x + 120, 260)
        _box(draw, client, (250, 250, 250), f"client {i + 1}")
        draw.rectangle((x + 10, 240, x + 10 + 25 * (i + 1), 252), fill=PALETTE[i])
        _arrow(draw, (x + 60, 200), (320, 80))
    draw.text((320, 140), "label shift differs per client", fill=INK, anchor="mm")
    image.save(path, optimize=True)


def reliability_diagram(path: Path) -> None:
    """A reliability diagram: confidence against accuracy, before and after calibration."""
    image, draw = _canvas(420, 320)
    draw.line([(50, 280), (400, 280)], fill=INK, width=2)
    draw.line([(50, 280), (50, 20)], fill=INK, width=2)
    draw.line([(50, 280), (400, 20)], fill=(160, 160, 160), width=1)
    for i in range(10):
        x = 50 + i * 35
        before = int(260 * (i / 10) ** 1.6)
        after = int(260 * (i + 0.5) / 10)
        draw.rectangle((x + 4, 280 - before, x + 16, 280), fill=PALETTE[1])
        draw.rectangle((x + 18, 280 - after, x + 30, 280), fill=PALETTE[0])
    draw.text((225, 300), "confidence", fill=INK, anchor="mm")
    draw.text((60, 30), "red: before, blue: after", fill=INK)
    image.save(path, optimize=True)


def test_time_adaptation(path: Path) -> None:
    """Source and shifted target distributions, and the adapted model between them."""
    image, draw = _canvas(600, 260)
    for cx, colour, label in (
        (150, PALETTE[0], "source"),
        (450, PALETTE[3], "shifted target"),
    ):
        for k in range(5):
            r = 90 - k * 16
            draw.ellipse((cx - r, 120 - r // 2, cx + r, 120 + r // 2), outline=colour, width=2)
        draw.text((cx, 200), label, fill=INK, anchor="mm")
    _arrow(draw, (240, 120), (360, 120))
    draw.text((300, 100), "adapt at test time", fill=INK, anchor="mm")
    image.save(path, optimize=True)


def sensor_network(path: Path) -> None:
    """Buoys on a coastline passing readings along: the second lab's project."""
    image, draw = _canvas(560, 260)
    draw.rectangle((0, 180, 560, 260), fill=(200, 225, 245))
    nodes = [(60, 150), (170, 110), (280, 140), (390, 100), (500, 130)]
    for a, b in zip(nodes, nodes[1:], strict=False):
        draw.line([a, b], fill=INK, width=2)
    for i, (x, y) in enumerate(nodes):
        draw.ellipse((x - 14, y - 14, x + 14, y + 14), fill=PALETTE[i % len(PALETTE)], outline=INK)
    draw.text((280, 220), "noisy labels from drifting sensors", fill=INK, anchor="mm")
    image.save(path, optimize=True)


def avatar(path: Path, initials: str, colour: tuple[int, int, int]) -> None:
    """A round badge with initials, standing in for a photo."""
    image, draw = _canvas(160, 160)
    draw.ellipse((8, 8, 152, 152), fill=colour)
    draw.text((80, 80), initials, fill="white", anchor="mm", font_size=48)
    image.save(path, optimize=True)


FIGURES = {
    "lumen-lab/priya-raman/images/federated-calibration.png": federated_calibration,
    "lumen-lab/priya-raman/images/reliability.png": reliability_diagram,
    "lumen-lab/jonas-lindqvist/assets/fig/test-time-adaptation.png": test_time_adaptation,
    "harbor-lab/rafael-duarte/images/sensor-network.png": sensor_network,
}
AVATARS = {
    "lumen-lab/helena-marsh/images/profile.png": ("HM", PALETTE[4]),
    "lumen-lab/priya-raman/images/profile.png": ("PR", PALETTE[0]),
    "lumen-lab/tomas-okafor/assets/img/prof_pic.png": ("TO", PALETTE[3]),
}


def main() -> None:
    for relative, draw_figure in FIGURES.items():
        path = HERE / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        draw_figure(path)
    for relative, (initials, colour) in AVATARS.items():
        path = HERE / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        avatar(path, initials, colour)
    print(f"Wrote {len(FIGURES) + len(AVATARS)} images under {HERE}")


if __name__ == "__main__":
    main()
