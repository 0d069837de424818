"""Decoding bytes: UTF-8 and BOMs, legacy code pages, binary and empty input, newlines."""

from __future__ import annotations

import codecs

import pytest

from sitroom.errors import UnreadableInput
from sitroom.ingest import decode_bytes

RUSSIAN = (
    "Жители деревни рассказали, что вода ночью поднималась очень быстро и никто их не "
    "предупредил об опасности."
)
UKRAINIAN = (
    "Мешканці села розповіли, що вода вночі піднімалася дуже швидко і ніхто їх не попередив."
)
FRENCH = "Les habitants ont été évacués à l'aube ; la préfecture craignait que le barrage cède."
SPANISH = "El alcalde dijo que mañana la evacuación seguirá en las zonas más afectadas."
GERMAN = "Die Brücke über den Fluss wurde zerstört, die Straße bleibt gesperrt, hieß es."
POLISH = (
    "Mieszkańcy wsi powiedzieli, że woda podniosła się bardzo szybko w nocy i nikt ich nie "
    "ostrzegł."
)
HUNGARIAN = (
    "A falu lakói azt mondták, hogy a víz éjjel nagyon gyorsan emelkedett, és senki sem "
    "figyelmeztette őket."
)
GREEK = "Οι κάτοικοι του χωριού είπαν ότι το νερό ανέβηκε πολύ γρήγορα κατά τη διάρκεια της νύχτας."
CHINESE = "村民们说，夜里水涨得非常快，没有人及时提醒他们。"
JAPANESE = "村の住民によると、夜の間に水が非常に速く上がり、誰も彼らに警告しなかったという。"


@pytest.mark.parametrize("text", [RUSSIAN, FRENCH, CHINESE, "plain ASCII"])
def test_decode_bytes_utf8(text: str) -> None:
    assert decode_bytes(text.encode("utf-8"), origin="a.txt") == text


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
)
def test_decode_bytes_byte_order_mark(bom: bytes, encoding: str) -> None:
    assert decode_bytes(bom + FRENCH.encode(encoding), origin="a.txt") == FRENCH


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (RUSSIAN, "cp1251"),
        (UKRAINIAN, "cp1251"),
        (RUSSIAN, "koi8-r"),
        (FRENCH, "cp1252"),
        (FRENCH, "latin-1"),
        (SPANISH, "cp1252"),
        (SPANISH, "latin-1"),
        (GERMAN, "cp1252"),
        (GERMAN, "latin-1"),
        ("He said “no” — and left… for good, the officials said.", "cp1252"),
        (POLISH, "cp1250"),
        (HUNGARIAN, "cp1250"),
        (GREEK, "cp1253"),
        (CHINESE, "gb18030"),
        (JAPANESE, "shift_jis"),
    ],
)
def test_decode_bytes_legacy_encoding(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding), origin="a.txt") == text


@pytest.mark.parametrize("word", ["Café", "Mañana", "Straße"])
def test_decode_bytes_short_western_word_defaults_to_cp1252(word: str) -> None:
    assert decode_bytes(word.encode("cp1252"), origin="a.txt") == word


def test_decode_bytes_normalises_newlines() -> None:
    data = b"first line\r\nsecond line\rthird line\n\nfourth"
    assert decode_bytes(data, origin="a.txt") == "first line\nsecond line\nthird line\n\nfourth"


def test_decode_bytes_keeps_other_whitespace() -> None:
    text = "  indented\tand\u00a0spaced  \n"
    assert decode_bytes(text.encode("utf-8"), origin="a.txt") == text


def test_decode_bytes_empty() -> None:
    with pytest.raises(UnreadableInput, match=r"a\.txt: the input is empty \(0 bytes\)"):
        decode_bytes(b"", origin="a.txt")


def test_decode_bytes_whitespace_only() -> None:
    with pytest.raises(UnreadableInput, match=r"a\.txt: .*only whitespace"):
        decode_bytes(b" \r\n\t \n", origin="a.txt")


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "a gzip-compressed file"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "an old Microsoft Office file"),
    ],
)
def test_decode_bytes_names_known_binary_formats(data: bytes, what: str) -> None:
    with pytest.raises(UnreadableInput, match=f"report.bin: this is {what}") as info:
        decode_bytes(data, origin="report.bin")
    assert "convert it to plain text" in info.value.reason
    assert info.value.source == "report.bin"


def test_decode_bytes_nul_bytes_are_binary() -> None:
    with pytest.raises(UnreadableInput, match="NUL bytes"):
        decode_bytes(b"looks like text\x00but is not", origin="a.dat")


def test_decode_bytes_control_characters_are_binary() -> None:
    data = bytes(range(1, 9)) * 10 + b"some text in between"
    with pytest.raises(UnreadableInput, match="control characters, so it looks binary"):
        decode_bytes(data, origin="a.dat")


def test_decode_bytes_a_few_control_characters_are_fine() -> None:
    text = "Page one ends here.\x0c\nPage two starts\x1b[0m here, after a form feed."
    assert decode_bytes(text.encode("utf-8"), origin="a.txt") == text


def test_decode_bytes_error_is_a_value_error_with_source_and_reason() -> None:
    with pytest.raises(ValueError) as info:
        decode_bytes(b"", origin="notes.txt")
    assert isinstance(info.value, UnreadableInput)
    assert info.value.source == "notes.txt"
    assert "empty" in info.value.reason


def test_decode_bytes_garbage_is_undecodable() -> None:
    data = bytes(range(0x80, 0x100)) * 4  # no encoding makes words of these
    with pytest.raises(UnreadableInput, match=r"encoding could not be recognised.*UTF-8"):
        decode_bytes(data, origin="odd.txt")


def test_decode_bytes_broken_text_after_a_byte_order_mark() -> None:
    data = codecs.BOM_UTF16_LE + "odd length".encode("utf-16-le") + b"\x00"
    with pytest.raises(UnreadableInput, match="UTF-16 byte-order mark but is not valid UTF-16"):
        decode_bytes(data, origin="a.txt")
