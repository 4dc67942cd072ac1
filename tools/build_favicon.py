"""Build the portal's icon (our own drawing, no third-party artwork): three connected nodes, white
on the portal's blue (``--accent`` in portal.css), as ``portal/static/favicon.svg`` and a 16/32/48
pixel ``portal/static/favicon.ico`` (32-bit BMP frames, standard library only).

    .venv/bin/python tools/build_favicon.py
"""

from __future__ import annotations

import struct
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "portal" / "static"
BLUE = (0x00, 0x45, 0x7D)
WHITE = (0xFF, 0xFF, 0xFF)
# in a 32 x 32 box: a rounded square, three nodes and the lines between them
RADIUS = 6.0
NODES = ((9.0, 22.0), (23.0, 22.0), (16.0, 9.0))
NODE_R = 4.2
LINE_W = 2.6


def svg() -> str:
    lines = "".join(
        f'<line x1="{a[0]}" y1="{a[1]}" x2="{b[0]}" y2="{b[1]}"/>'
        for a, b in ((NODES[0], NODES[1]), (NODES[1], NODES[2]), (NODES[2], NODES[0]))
    )
    nodes = "".join(f'<circle cx="{x}" cy="{y}" r="{NODE_R}"/>' for x, y in NODES)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<rect width="32" height="32" rx="{RADIUS}" fill="#00457d"/>'
        f'<g stroke="#fff" stroke-width="{LINE_W}">{lines}</g>'
        f'<g fill="#fff">{nodes}</g></svg>\n'
    )


def _segment_distance(
    p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> float:
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    t = max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / (dx * dx + dy * dy)))
    return float(((p[0] - ax - t * dx) ** 2 + (p[1] - ay - t * dy) ** 2) ** 0.5)


def _sample(x: float, y: float) -> tuple[tuple[int, int, int], bool]:
    """The colour at a point of the 32 x 32 box, and whether it is inside the rounded square."""
    cx = min(max(x, RADIUS), 32 - RADIUS)
    cy = min(max(y, RADIUS), 32 - RADIUS)
    if (x - cx) ** 2 + (y - cy) ** 2 > RADIUS**2:
        return BLUE, False
    if any((x - nx) ** 2 + (y - ny) ** 2 <= NODE_R**2 for nx, ny in NODES):
        return WHITE, True
    pairs = ((NODES[0], NODES[1]), (NODES[1], NODES[2]), (NODES[2], NODES[0]))
    if any(_segment_distance((x, y), a, b) <= LINE_W / 2 for a, b in pairs):
        return WHITE, True
    return BLUE, True


def _bitmap(size: int, samples: int = 4) -> bytes:
    """One icon frame: BITMAPINFOHEADER, BGRA rows bottom-up, and the (empty) AND mask."""
    scale = 32 / size
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            r = g = b = a = 0.0
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) * scale
                    y = (py + (sy + 0.5) / samples) * scale
                    colour, inside = _sample(x, y)
                    if inside:
                        r, g, b, a = r + colour[0], g + colour[1], b + colour[2], a + 1
            n = samples * samples
            if a:
                row += bytes((round(b / a), round(g / a), round(r / a), round(255 * a / n)))
            else:
                row += bytes(4)
        rows.append(bytes(row))
    pixels = b"".join(reversed(rows))
    mask_row = ((size + 31) // 32) * 4
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, len(pixels), 0, 0, 0, 0)
    return header + pixels + bytes(mask_row * size)


def ico(sizes: tuple[int, ...] = (16, 32, 48)) -> bytes:
    frames = [_bitmap(s) for s in sizes]
    out = struct.pack("<HHH", 0, 1, len(frames))
    offset = 6 + 16 * len(frames)
    for size, frame in zip(sizes, frames, strict=True):
        out += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(frame), offset)
        offset += len(frame)
    return out + b"".join(frames)


def main() -> None:
    (STATIC / "favicon.svg").write_text(svg())
    (STATIC / "favicon.ico").write_bytes(ico())


if __name__ == "__main__":
    main()
