"""Bytes to text: refuse binary input, find the encoding, normalise newlines.

A byte-order mark decides the encoding; otherwise UTF-8 is tried first, because nearly every
modern source sends it and a clean UTF-8 decode is almost never wrong; then a declared
encoding (an HTML meta charset), then a guess (:mod:`sitroom.ingest._encoding`).
This module does not guess the format (text, HTML, JSON) of what it decodes.
"""

from __future__ import annotations

import codecs
import re

from sitroom.errors import UnreadableInput
from sitroom.ingest._encoding import ascii_compatible, guess_decode

SAVE_AS_UTF8 = "save it as UTF-8 text and try again"

# (leading bytes, what they are). Checked before anything else, so a PDF is called a PDF.
MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx/.odt/.epub, which are ZIP files)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file (.doc/.xls/.ppt)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"MZ\x90\x00", "a Windows executable"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"RIFF", "a RIFF media file (WAV/AVI/WebP)"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg media file"),
    (b"\x1aE\xdf\xa3", "a Matroska/WebM video"),
)

# Byte-order marks, longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# C0 controls other than tab, LF, VT, FF, CR, plus DEL: text has almost none of these.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
CONTROL_SHARE_LIMIT = 0.05
_SNIFF_BYTES = 65_536
_NEWLINES = re.compile(r"\r\n?")


def normalise_newlines(text: str) -> str:
    """Turn Windows (CRLF) and old Mac (CR) line ends into ``\\n``."""
    if "\r" not in text:
        return text
    return _NEWLINES.sub("\n", text)


def check_not_binary(data: bytes, *, origin: str) -> None:
    """Raise :class:`UnreadableInput` if ``data`` is empty or looks like a binary file."""
    if not data:
        raise UnreadableInput(origin, "the input is empty (0 bytes); give a file with text in it")
    for magic, what in MAGIC_NUMBERS:
        if data.startswith(magic):
            raise UnreadableInput(
                origin,
                f"this is {what}, not text; convert it to plain text, HTML or JSONL first",
            )
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return  # UTF-16/32 text legitimately contains NUL bytes
    if b"\x00" in data:
        raise UnreadableInput(
            origin,
            "the input contains NUL bytes, so it looks binary (or UTF-16 without a byte-order "
            f"mark); {SAVE_AS_UTF8}",
        )
    head = data[:_SNIFF_BYTES]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls / len(head) > CONTROL_SHARE_LIMIT:
        raise UnreadableInput(
            origin,
            f"{controls / len(head):.0%} of the first {len(head):,} bytes are control "
            f"characters, so it looks binary; {SAVE_AS_UTF8}",
        )


def decode_bytes(data: bytes, *, origin: str) -> str:
    """Decode ``data`` to text with ``\\n`` newlines, or raise :class:`UnreadableInput`.

    ``origin`` names the input in error messages (a path, ``-`` for stdin).
    """
    return decode(data, origin=origin)


def decode(data: bytes, *, origin: str, declared: str | None = None) -> str:
    """Like :func:`decode_bytes`, trying ``declared`` (e.g. an HTML meta charset) after UTF-8."""
    check_not_binary(data, origin=origin)
    text = _decode_marked(data, origin=origin)
    if text is None:
        text = _decode_declared(data, declared)
    if text is None:
        text = _detect_and_decode(data, origin=origin)
    text = normalise_newlines(text)
    if not text.strip():
        raise UnreadableInput(
            origin, "the input contains only whitespace; give a file with text in it"
        )
    return text


def _decode_marked(data: bytes, *, origin: str) -> str | None:
    """Decode by byte-order mark; None if there is none."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise UnreadableInput(
                    origin,
                    f"the input starts with a {encoding.removesuffix('-sig').upper()} "
                    f"byte-order mark but is not valid {encoding.removesuffix('-sig').upper()} "
                    f"({exc.reason} at byte {exc.start:,}); {SAVE_AS_UTF8}",
                ) from exc
    return None


def _decode_declared(data: bytes, declared: str | None) -> str | None:
    """Decode as UTF-8, else as the declared encoding; None if neither fits.

    A declared encoding that does not keep ASCII as ASCII (a page "in UTF-16" with no NUL
    bytes) is a mislabel, as browsers also assume, and is ignored.
    """
    encodings = ["utf-8"]
    if declared and ascii_compatible(declared):
        encodings.append(declared)
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _detect_and_decode(data: bytes, *, origin: str) -> str:
    text = guess_decode(data)
    if text is None:
        raise UnreadableInput(
            origin, f"the text encoding could not be recognised (not UTF-8); {SAVE_AS_UTF8}"
        )
    return text
