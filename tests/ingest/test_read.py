"""Reading sources: files, directories, stdin, options, size limits and OS errors."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitroom.errors import IngestError, UnreadableInput
from sitroom.ingest import (
    DEFAULT_MAX_CHARS,
    IngestOptions,
    document_from_bytes,
    document_from_text,
    iter_documents,
    read_file,
)
from sitroom.model import Document

REPORT = (
    "KYIV, Ukraine (AP) — Air raid sirens sounded across the capital on Thursday night, and "
    "officials said two drones were shot down over the western districts.\n"
    "No one was hurt, the city administration said in a statement on its website."
)
SHORT_HTML = (
    "<html><head><title>Night alert</title></head><body><article><p>Air raid sirens sounded "
    "across the capital on Thursday night, and officials said two drones were shot down.</p>"
    "</article></body></html>"
)


def test_document_from_text_fields() -> None:
    document = document_from_text(REPORT, origin="report.txt")
    assert document.text == REPORT  # never modified, so offsets point into the input
    assert document.origin == "report.txt"
    assert document.language == "en"
    assert document.dateline == (0, len("KYIV, Ukraine (AP) —"))
    assert (document.title, document.source, document.url, document.published) == (None,) * 4
    assert document.warnings == []


def test_document_from_text_normalises_newlines_only() -> None:
    document = document_from_text("  First line.\r\nSecond line.\rThird line.  ")
    assert document.text == "  First line.\nSecond line.\nThird line.  "
    assert document.origin == "-"


def test_document_from_text_options() -> None:
    options = IngestOptions(
        title=" Night alert ", source="City desk", published="Mar 7, 2024", url="https://x.test"
    )
    document = document_from_text(REPORT, options=options)
    assert document.title == "Night alert"
    assert document.source == "City desk"
    assert document.published == "2024-03-07"
    assert document.url == "https://x.test"


def test_document_from_text_non_english_is_still_a_document() -> None:
    text = "Die Feuerwehr war die ganze Nacht im Einsatz, weil der Sturm mehrere Dächer abdeckte."
    assert document_from_text(text).language == "de"


@pytest.mark.parametrize("text", ["", "  \n\t  "])
def test_document_from_text_blank(text: str) -> None:
    with pytest.raises(UnreadableInput, match="notes: the text is empty or only whitespace"):
        document_from_text(text, origin="notes")


def test_document_from_text_over_the_character_limit() -> None:
    with pytest.raises(UnreadableInput, match=r"the text is 101 characters.*--max-chars"):
        document_from_text("a" * 101, options=IngestOptions(max_chars=100))


@pytest.mark.parametrize("bad", ["\x00", "\ud800"])
def test_document_from_text_unstorable_characters(bad: str) -> None:
    with pytest.raises(UnreadableInput, match="invalid character U\\+"):
        document_from_text(f"Text with a {bad} inside it.")


def test_ingest_options_defaults() -> None:
    options = IngestOptions()
    assert options.max_chars == DEFAULT_MAX_CHARS == 5_000_000
    assert (options.title, options.source, options.published, options.url) == (None,) * 4


def test_ingest_options_published_is_normalised_up_front() -> None:
    assert IngestOptions(published="2025-03-14 20:30:26Z").published == "2025-03-14T20:30:26+00:00"


def test_ingest_options_unreadable_published_raises_value_error() -> None:
    with pytest.raises(ValueError, match="cannot read 'soon' as a publication date"):
        IngestOptions(published="soon")


@pytest.mark.parametrize("value", [0, -5])
def test_ingest_options_max_chars_must_be_positive(value: int) -> None:
    with pytest.raises(ValueError, match="max_chars must be a positive number"):
        IngestOptions(max_chars=value)


def test_read_file_text(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(REPORT.replace("\n", "\r\n").encode("utf-8"))
    [document] = read_file(path)
    assert document.text == REPORT
    assert document.origin == str(path)


def test_read_file_markdown_and_no_extension_are_text(tmp_path: Path) -> None:
    for name in ("report.md", "REPORT"):
        (tmp_path / name).write_text(REPORT, encoding="utf-8")
        [document] = read_file(tmp_path / name)
        assert document.text == REPORT


def test_read_file_sniffs_html_without_extension(tmp_path: Path) -> None:
    path = tmp_path / "saved-page"
    path.write_text(SHORT_HTML, encoding="utf-8")
    [document] = read_file(path)
    assert "<p>" not in document.text
    assert document.text.startswith("Air raid sirens")


def test_read_file_txt_starting_with_bracket_is_text(tmp_path: Path) -> None:
    path = tmp_path / "note"
    path.write_text("[Updated 10:30] " + REPORT, encoding="utf-8")
    [document] = read_file(path)
    assert document.text.startswith("[Updated 10:30]")


def test_read_file_over_the_byte_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(10_000_000)  # sparse: checked by size, never read
    with pytest.raises(UnreadableInput) as info:
        read_file(path, IngestOptions(max_chars=1_000))
    assert "the input is 10,000,000 bytes, over the limit of 4,000 bytes" in info.value.reason
    assert "--max-chars" in info.value.reason


def test_read_file_over_the_character_limit_after_decoding(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("é" * 150, encoding="utf-8")  # 300 bytes: under 4 x 100, but 150 chars
    with pytest.raises(UnreadableInput, match="150 characters, over the limit of 100"):
        read_file(path, IngestOptions(max_chars=100))


def test_read_file_missing(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file or directory"):
        read_file(tmp_path / "absent.txt")


def test_read_file_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod does not stop root (tests may run as root), so simulate the OS refusing.
    path = tmp_path / "secret.txt"
    path.write_text(REPORT)

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(IngestError, match=r"secret\.txt: permission denied"):
        read_file(path)


@pytest.fixture
def mixed_directory(tmp_path: Path) -> Path:
    """Good and bad files, nested, with hidden entries that must be skipped."""
    (tmp_path / "b_report.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "a_page.html").write_text(SHORT_HTML, encoding="utf-8")
    (tmp_path / "c_empty.txt").write_bytes(b"")
    (tmp_path / "d_scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    (tmp_path / "e_rows.jsonl").write_text('{"text": "Row one is a report."}\nnot json\n')
    (tmp_path / "nested" / "deeper").mkdir(parents=True)
    (tmp_path / "nested" / "deeper" / "f_legacy.txt").write_bytes(
        "Жители деревни рассказали, что вода ночью поднималась очень быстро.".encode("cp1251")
    )
    (tmp_path / ".hidden.txt").write_text(REPORT)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.txt").write_text(REPORT)
    return tmp_path


def test_iter_documents_directory_with_good_and_bad_files(mixed_directory: Path) -> None:
    results = list(iter_documents([mixed_directory]))
    names = [
        (item.origin if isinstance(item, Document) else item.source).replace(
            str(mixed_directory) + os.sep, ""
        )
        for item in results
    ]
    assert names == [
        "a_page.html",
        "b_report.txt",
        "c_empty.txt",
        "d_scan.pdf",
        "e_rows.jsonl:1",
        "e_rows.jsonl:2",
        os.path.join("nested", "deeper", "f_legacy.txt"),
    ]
    kinds = [isinstance(item, Document) for item in results]
    assert kinds == [True, True, False, False, True, False, True]
    empty, pdf, legacy = results[2], results[3], results[6]
    assert isinstance(empty, IngestError) and "empty" in empty.reason
    assert isinstance(pdf, IngestError) and "a PDF document" in pdf.reason
    assert isinstance(legacy, Document) and legacy.language == "ru"
    assert legacy.text.startswith("Жители деревни")


def test_iter_documents_keeps_going_after_an_unreadable_directory(
    mixed_directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str]):  # type: ignore[no-untyped-def]
        if Path(path).name == "deeper":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    results = list(iter_documents([mixed_directory, mixed_directory / "b_report.txt"]))
    [denied] = [
        item for item in results if isinstance(item, IngestError) and "permission" in item.reason
    ]
    assert denied.source.endswith("deeper")
    assert isinstance(results[-1], Document)  # the next source is still read


def test_iter_documents_missing_source_then_good_one(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(REPORT)
    results = list(iter_documents([tmp_path / "missing.txt", str(good)]))
    assert isinstance(results[0], IngestError)
    assert isinstance(results[1], Document)


def test_iter_documents_stdin_text() -> None:
    stdin = io.BytesIO(REPORT.encode("utf-8"))
    [document] = iter_documents(["-"], stdin=stdin)
    assert isinstance(document, Document)
    assert document.origin == "-"
    assert document.text == REPORT


def test_iter_documents_stdin_html() -> None:
    [document] = iter_documents(["-"], stdin=io.BytesIO(SHORT_HTML.encode()))
    assert isinstance(document, Document)
    assert document.text.startswith("Air raid sirens")


def test_iter_documents_stdin_json_lines_are_streamed() -> None:
    rows = b'{"text": "First report from the north."}\n{bad}\n{"text": "Second report."}\n'
    results = list(iter_documents(["-"], stdin=io.BytesIO(rows)))
    assert [getattr(item, "origin", None) or item.source for item in results] == [
        "-:1",
        "-:2",
        "-:3",
    ]
    assert [type(item) for item in results] == [Document, UnreadableInput, Document]


def test_iter_documents_stdin_over_the_limit() -> None:
    stdin = io.BytesIO(b"word " * 1_000)
    [error] = iter_documents(["-"], IngestOptions(max_chars=100), stdin=stdin)
    assert isinstance(error, UnreadableInput)
    assert "over the limit of 400 bytes" in error.reason


def test_iter_documents_stdin_empty() -> None:
    [error] = iter_documents(["-"], stdin=io.BytesIO(b""))
    assert isinstance(error, UnreadableInput)
    assert "empty" in error.reason


def test_document_from_bytes_by_origin_extension() -> None:
    [document] = document_from_bytes(b'{"text": "One line of news."}', origin="x.jsonl")
    assert document.origin == "x.jsonl:1"


def test_document_from_bytes_explicit_kind_wins() -> None:
    [document] = document_from_bytes(SHORT_HTML.encode(), origin="page.html", kind="text")
    assert document.text == SHORT_HTML


def test_document_from_bytes_over_the_byte_limit() -> None:
    with pytest.raises(UnreadableInput, match="over the limit of 40 bytes"):
        document_from_bytes(b"x" * 41, origin="-", options=IngestOptions(max_chars=10))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.tuples(
            st.sampled_from(
                [b"<html><body><p>", b'{"text": "', b"[", b"\xef\xbb\xbf", b"\xff\xfe"]
            ),
            st.binary(max_size=300),
        ).map(b"".join),
    ),
    kind=st.sampled_from(["auto", "text", "html", "jsonl"]),
    origin=st.sampled_from(["-", "a.txt", "a.html", "a.json", "a.jsonl"]),
)
def test_document_from_bytes_returns_documents_or_raises_ingest_error(
    data: bytes, kind: str, origin: str
) -> None:
    try:
        documents = document_from_bytes(
            data,
            origin=origin,
            options=IngestOptions(max_chars=1_000),
            kind=kind,  # type: ignore[arg-type]
        )
    except IngestError:
        return
    assert documents
    assert all(isinstance(document, Document) and document.text.strip() for document in documents)


def test_iter_documents_refuses_a_bare_path() -> None:
    with pytest.raises(TypeError, match=r"use \['report.txt'\]"):
        iter_documents("report.txt")  # type: ignore[arg-type]


def test_iter_documents_unreadable_file_in_a_directory(
    mixed_directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = Path.open

    def open_(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.name == "b_report.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    results = list(iter_documents([mixed_directory]))
    denied = [
        item for item in results if isinstance(item, IngestError) and "permission" in item.reason
    ]
    assert [item.source for item in denied] == [str(mixed_directory / "b_report.txt")]
    documents = [item for item in results if isinstance(item, Document)]
    assert len(documents) == 3  # the page, the good JSONL row and the legacy file
