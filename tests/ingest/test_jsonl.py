"""JSON input: JSONL lines (good and bad), .json objects and lists, streaming, the VOA sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitroom.errors import IngestError, UnreadableInput
from sitroom.ingest import IngestOptions, document_from_bytes, iter_documents, read_file
from sitroom.ingest.jsonl import iter_lines
from sitroom.model import Document
from tests.conftest import require_path

DATASETS = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets"
VOA_SAMPLE = DATASETS / "corpus" / "voa_sample.jsonl"

ARTICLE = (
    "Aid convoys reached the northern districts on Monday, the relief agency said, after the "
    "road had been closed for a week by flooding."
)


def jsonl(*rows: object) -> bytes:
    return "\n".join(row if isinstance(row, str) else json.dumps(row) for row in rows).encode()


def test_read_file_voa_sample() -> None:
    path = require_path(VOA_SAMPLE)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    documents = read_file(path)
    assert len(documents) == len(lines)
    first = documents[0]
    assert first.origin == f"{path}:1"
    assert first.text == lines[0]["text"]
    assert first.title == lines[0]["title"]
    assert first.url == lines[0]["url"]
    assert lines[0]["published"] == "2025-03-14 20:30:26Z"
    assert first.published == "2025-03-14T20:30:26+00:00"
    assert all(document.language == "en" for document in documents)


def test_jsonl_bad_lines_are_errors_and_the_rest_still_count(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(
        jsonl(
            {"text": ARTICLE, "title": "Convoys arrive"},
            '{"text": "unterminated',
            {"title": "no text here", "url": "https://x.test"},
            "",
            {"text": 42},
            ["not", "an", "object"],
            {"text": "   "},
            {"text": ARTICLE.replace("Monday", "Tuesday"), "extra": {"ignored": True}},
        )
    )
    results = list(iter_documents([path]))
    documents = [item for item in results if isinstance(item, Document)]
    errors = {item.source: item.reason for item in results if isinstance(item, IngestError)}
    assert [document.origin for document in documents] == [f"{path}:1", f"{path}:8"]
    assert documents[0].title == "Convoys arrive"
    assert set(errors) == {f"{path}:{n}" for n in (2, 3, 5, 6, 7)}
    assert "not valid JSON" in errors[f"{path}:2"]
    assert "no 'text' field (its keys: title, url)" in errors[f"{path}:3"]
    assert "'text' must be a string, not a number" in errors[f"{path}:5"]
    assert "expected a JSON object" in errors[f"{path}:6"]
    assert "empty or only whitespace" in errors[f"{path}:7"]


def test_read_file_jsonl_raises_the_first_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "batch.ndjson"
    path.write_bytes(jsonl({"text": ARTICLE}, "{oops}"))
    with pytest.raises(UnreadableInput, match=r"batch\.ndjson:2: the line is not valid JSON"):
        read_file(path)


def test_jsonl_crlf_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "windows.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf" + jsonl({"text": ARTICLE}, {"text": ARTICLE}).replace(b"\n", b"\r\n")
    )
    assert [document.text for document in read_file(path)] == [ARTICLE, ARTICLE]


def test_jsonl_metadata_fields(tmp_path: Path) -> None:
    row = {
        "text": ARTICLE,
        "title": "Convoys arrive",
        "source": "Relief Wire",
        "url": "https://relief.example/1",
        "published": "3 March 2024",
    }
    [document] = document_from_bytes(jsonl(row), origin="rows.jsonl")
    assert (document.title, document.source, document.url) == (
        "Convoys arrive",
        "Relief Wire",
        "https://relief.example/1",
    )
    assert document.published == "2024-03-03"
    assert document.warnings == []


def test_jsonl_unreadable_published_is_dropped_with_a_warning() -> None:
    [document] = document_from_bytes(
        jsonl({"text": ARTICLE, "published": "sometime last spring"}), origin="rows.jsonl"
    )
    assert document.published is None
    [warning] = document.warnings
    assert warning.startswith("rows.jsonl:1: publication date dropped")
    assert "'sometime last spring'" in warning


def test_jsonl_non_string_metadata_is_ignored_with_a_warning() -> None:
    [document] = document_from_bytes(
        jsonl({"text": ARTICLE, "title": ["a", "list"], "published": 1709424000}),
        origin="rows.jsonl",
    )
    assert document.title is None
    assert document.published is None
    assert document.warnings == [
        "rows.jsonl:1: 'title' is a list, not a string; ignored",
        "rows.jsonl:1: 'published' is a number, not a string; ignored",
    ]


def test_jsonl_options_override_every_line() -> None:
    options = IngestOptions(source="Desk", published="2024-01-02")
    documents = document_from_bytes(
        jsonl({"text": ARTICLE, "source": "Wire", "published": "2023-05-05"}, {"text": ARTICLE}),
        origin="rows.jsonl",
        options=options,
    )
    assert [(d.source, d.published) for d in documents] == [("Desk", "2024-01-02")] * 2


def test_json_file_with_one_object(tmp_path: Path) -> None:
    path = tmp_path / "article.json"
    path.write_text(json.dumps({"text": ARTICLE, "title": "One"}, indent=2), encoding="utf-8")
    [document] = read_file(path)
    assert document.origin == str(path)
    assert document.title == "One"


def test_json_file_with_a_list(tmp_path: Path) -> None:
    path = tmp_path / "articles.json"
    path.write_text(json.dumps([{"text": ARTICLE}, {"title": "x"}, {"text": ARTICLE}]))
    results = list(iter_documents([path]))
    assert [type(item) for item in results] == [Document, UnreadableInput, Document]
    assert [getattr(item, "origin", None) or item.source for item in results] == [
        f"{path}[0]",
        f"{path}[1]",
        f"{path}[2]",
    ]


def test_json_file_holding_json_lines_is_read_as_lines(tmp_path: Path) -> None:
    path = tmp_path / "mislabelled.json"
    path.write_bytes(jsonl({"text": ARTICLE}, {"text": ARTICLE}))
    assert [d.origin for d in read_file(path)] == [f"{path}:1", f"{path}:2"]


@pytest.mark.parametrize("content", ["[]", "42", '"text"', "{broken"])
def test_json_file_without_articles(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(UnreadableInput, match=r"bad\.json: "):
        read_file(path)


def test_jsonl_file_with_only_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "blank.jsonl"
    path.write_text("\n  \n\n")
    with pytest.raises(UnreadableInput, match="no JSON objects found"):
        read_file(path)


def test_jsonl_line_over_the_limit_is_skipped(tmp_path: Path) -> None:
    options = IngestOptions(max_chars=100)
    path = tmp_path / "big.jsonl"
    path.write_bytes(jsonl({"text": "short report"}, {"text": "x" * 1_000}, {"text": "another"}))
    results = list(iter_documents([path], options))
    assert [type(item) for item in results] == [Document, UnreadableInput, Document]
    error = results[1]
    assert isinstance(error, UnreadableInput)
    assert error.source == f"{path}:2"
    assert "over the limit of 400 bytes" in error.reason
    assert "--max-chars" in error.reason


def test_jsonl_text_over_the_character_limit() -> None:
    options = IngestOptions(max_chars=50)
    with pytest.raises(UnreadableInput, match=r"rows\.jsonl:1: the text is 60 characters"):
        document_from_bytes(jsonl({"text": "y" * 60}), origin="rows.jsonl", options=options)


@given(st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=8), st.data())
def test_iter_lines_independent_of_chunking(lines: list[bytes], data: st.DataObject) -> None:
    stream = b"\n".join(lines)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=6)))
    chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    got = [line for _, line in iter_lines(chunks, max_bytes=1_000)]
    expected = stream.split(b"\n") if stream else []
    if expected and expected[-1] == b"":
        expected.pop()  # a final newline ends the last line; it does not start a new one
    assert got == expected


def test_iter_lines_marks_overlong_lines_and_keeps_counting() -> None:
    chunks = [b"ok\n" + b"x" * 30, b"x" * 30 + b"\nfine\n", b"y" * 11]
    assert list(iter_lines(chunks, max_bytes=10)) == [
        (1, b"ok"),
        (2, None),
        (3, b"fine"),
        (4, None),
    ]
