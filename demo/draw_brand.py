"""Draw the integration's brand images with Pillow.

``.venv/bin/python -m demo.draw_brand`` writes
``custom_components/foscam_mjpeg/brand/{icon,icon@2x,logo,logo@2x}.png``:

- the icon: a pan/tilt camera head with its lens and antenna, as the legacy
  Foscam MJPEG models look, on a transparent background, 256 and 512 px square;
- the logo: the icon and the words "Foscam MJPEG", 128 and 256 px high.

Everything is drawn at four times the size and scaled down (anti-aliasing),
and trimmed to its content, as Home Assistant's brand rules ask.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
import sys
from typing import Final

from PIL import Image, ImageDraw, ImageFont

BRAND_DIR: Final = (
    Path(__file__).resolve().parent.parent
    / "custom_components"
    / "foscam_mjpeg"
    / "brand"
)
SUPERSAMPLE: Final = 4
BLUE: Final = (33, 118, 214, 255)
BLUE_DARK: Final = (20, 84, 160, 255)
GREY: Final = (55, 65, 81, 255)
LENS_RING: Final = (28, 36, 48, 255)
LENS: Final = (52, 70, 94, 255)
LENS_DEEP: Final = (18, 24, 34, 255)
WHITE: Final = (255, 255, 255, 255)
TEXT: Final = (38, 50, 56, 255)
FONT_CANDIDATES: Final = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/Library/Fonts/Arial Bold.ttf",
)


def _glyph(size: int) -> Image.Image:
    """Draw the camera glyph on a transparent square of ``size`` pixels (unscaled)."""
    s = size / 512  # the design is on a 512 grid
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, ...]:
        return (x0 * s, y0 * s, x1 * s, y1 * s)

    # Antenna, behind the head.
    draw.line([(350 * s, 150 * s), (430 * s, 24 * s)], fill=GREY, width=round(22 * s))
    draw.ellipse(box(410, 6, 450, 46), fill=GREY)
    # Stand: foot and neck.
    draw.rounded_rectangle(box(120, 448, 392, 500), radius=26 * s, fill=GREY)
    draw.rounded_rectangle(box(218, 360, 294, 470), radius=18 * s, fill=GREY)
    # Head: a ball with a darker rim.
    draw.ellipse(box(78, 70, 434, 426), fill=BLUE_DARK)
    draw.ellipse(box(92, 84, 420, 412), fill=BLUE)
    # IR LEDs around the lens.
    cx, cy = 256, 252
    for i in range(12):
        angle = 2 * math.pi * i / 12
        x, y = cx + 128 * math.cos(angle), cy + 128 * math.sin(angle)
        draw.ellipse(box(x - 9, y - 9, x + 9, y + 9), fill=BLUE_DARK)
    # Lens: ring, glass, pupil and a highlight.
    draw.ellipse(box(cx - 104, cy - 104, cx + 104, cy + 104), fill=LENS_RING)
    draw.ellipse(box(cx - 74, cy - 74, cx + 74, cy + 74), fill=LENS)
    draw.ellipse(box(cx - 40, cy - 40, cx + 40, cy + 40), fill=LENS_DEEP)
    draw.ellipse(box(cx - 58, cy - 58, cx - 22, cy - 22), fill=(255, 255, 255, 170))
    # Status LED.
    draw.ellipse(box(246, 108, 266, 128), fill=(120, 220, 120, 255))
    return image


def _trim(image: Image.Image) -> Image.Image:
    """Crop to the non-transparent content."""
    bbox = image.getchannel("A").getbbox()
    return image.crop(bbox) if bbox else image


def _fit_square(image: Image.Image, size: int) -> Image.Image:
    """Scale into a transparent square, centred, touching two opposite edges."""
    scale = size / max(image.size)
    scaled = image.resize(
        (max(1, round(image.width * scale)), max(1, round(image.height * scale))),
        Image.Resampling.LANCZOS,
    )
    square = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    square.alpha_composite(
        scaled, ((size - scaled.width) // 2, (size - scaled.height) // 2)
    )
    return square


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def icon(size: int) -> Image.Image:
    """Draw the square icon."""
    big = _trim(_glyph(size * SUPERSAMPLE))
    return _fit_square(big, size)


def logo(height: int) -> Image.Image:
    """Draw the glyph followed by the name, ``height`` pixels high."""
    big_height = height * SUPERSAMPLE
    glyph = _trim(_glyph(big_height))
    glyph = glyph.resize(
        (round(glyph.width * big_height / glyph.height), big_height),
        Image.Resampling.LANCZOS,
    )
    font = _font(round(big_height * 0.42))
    words = "Foscam MJPEG"
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), words, font=font)
    gap = round(big_height * 0.18)
    canvas = Image.new(
        "RGBA", (glyph.width + gap + math.ceil(right - left), big_height), (0, 0, 0, 0)
    )
    canvas.alpha_composite(glyph, (0, 0))
    draw = ImageDraw.Draw(canvas)
    y = (big_height - (bottom - top)) / 2 - top
    draw.text((glyph.width + gap - left, y), words, font=font, fill=TEXT)
    canvas = _trim(canvas)
    width = round(canvas.width * height / canvas.height)
    return canvas.resize((width, height), Image.Resampling.LANCZOS)


def main(argv: list[str] | None = None) -> int:
    """Write the four PNGs."""
    parser = argparse.ArgumentParser(prog="python -m demo.draw_brand")
    parser.add_argument("--out", type=Path, default=BRAND_DIR)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    images = {
        "icon.png": icon(256),
        "icon@2x.png": icon(512),
        "logo.png": logo(128),
        "logo@2x.png": logo(256),
    }
    for name, image in images.items():
        image.save(args.out / name, optimize=True)
        sys.stdout.write(f"{args.out / name}: {image.width}x{image.height}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
