"""The text of a PDF that fpdf2 wrote, for tests (pypdf is not a dependency): each text
string of the page contents decoded through its font's ToUnicode map, one line per string.

Enough for fpdf2's own output only: embedded TrueType fonts (Type0, two-byte glyph ids in
literal strings), content streams Flate-compressed or not, ToUnicode maps with bfchar/bfrange.
"""

from __future__ import annotations

import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _stream(body: bytes) -> bytes:
    match = _STREAM.search(body)
    if match is None:
        return b""
    raw = match.group(1)
    return zlib.decompress(raw) if b"/FlateDecode" in body else raw


def _unescape(literal: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(literal):
        ch = literal[i : i + 1]
        if ch != b"\\":
            out += ch
            i += 1
            continue
        nxt = literal[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", literal[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(0), 8) & 0xFF)
            i += 1 + len(octal.group(0))
        else:
            out += _ESCAPES.get(nxt, nxt)
            i += 2
    return bytes(out)


def _cmap(text: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(dst, 16)
            for k, cid in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[cid] = chr(start + k)
    return mapping


def embedded_fonts(data: bytes) -> list[str]:
    """The base font names of the fonts whose program is embedded (``/FontFile2``)."""
    objects = {int(n): body for n, body in _OBJ.findall(data)}
    names = []
    for body in objects.values():
        if b"/FontDescriptor" in body and b"/FontFile2" in body:
            match = re.search(rb"/FontName\s*/([\w+-]+)", body)
            if match:
                names.append(match.group(1).decode())
    return names


def pdf_text(data: bytes) -> str:
    objects = {int(n): body for n, body in _OBJ.findall(data)}
    maps: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for name, ref in re.findall(rb"/(F\d+)\s+(\d+) 0 R", body):
            font = objects.get(int(ref), b"")
            to_unicode = re.search(rb"/ToUnicode\s+(\d+) 0 R", font)
            if to_unicode:
                maps[name] = _cmap(_stream(objects[int(to_unicode.group(1))]))
    lines: list[str] = []
    for body in objects.values():
        if b"/Contents" in body or b"stream" not in body or b"/Length" not in body:
            continue
        content = _stream(body) if b"/Subtype" not in body else b""
        if b" Tj" not in content:
            continue
        font: dict[int, str] = {}
        for token in re.finditer(
            rb"/(F\d+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S
        ):
            if token.group(1):
                font = maps.get(token.group(1), {})
                continue
            raw = _unescape(token.group(2))
            cids = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
            lines.append("".join(font.get(c, "\ufffd") for c in cids))
    return "\n".join(lines)
