"""HTML pages: article text and metadata via trafilatura, encodings, broken and empty pages."""

from __future__ import annotations

import pytest

from sitroom.errors import UnreadableInput
from sitroom.ingest import IngestOptions, document_from_bytes
from sitroom.ingest.html import extract_html

PARAGRAPHS = (
    "Officials said on Tuesday that the port had been struck twice overnight and that three "
    "warehouses near the grain terminal were still burning by the morning.",
    "The harbour master urged residents of the nearby streets to keep their windows closed "
    "while firefighters worked through the day to contain the flames.",
    "No casualties were reported, the regional administration said in a short statement.",
)


def page(*, head: str = "", body: str | None = None, charset: str = "utf-8") -> str:
    """A small news page with navigation and a comment section around the article."""
    if body is None:
        body = "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    return (
        f"<!DOCTYPE html><html><head><meta charset='{charset}'>{head}</head><body>"
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>Port struck overnight</h1>{body}</article>"
        "<section class='comments'><div class='comment'>First! Great article.</div></section>"
        "</body></html>"
    )


METADATA_HEAD = (
    "<title>Port struck overnight | The Example Courier</title>"
    "<meta property='og:title' content='Port struck overnight'>"
    "<meta property='og:site_name' content='The Example Courier'>"
    "<link rel='canonical' href='https://news.example.org/world/port-struck'>"
    "<meta property='article:published_time' content='2024-05-02T08:15:00+03:00'>"
)


def test_extract_html_text_and_metadata() -> None:
    text, metadata = extract_html(page(head=METADATA_HEAD).encode(), origin="port.html")
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    assert "Home" not in text  # navigation dropped
    assert "First! Great article." not in text  # reader comments dropped
    assert metadata.title == "Port struck overnight"
    assert metadata.source == "The Example Courier"
    assert metadata.url == "https://news.example.org/world/port-struck"
    assert metadata.published == "2024-05-02"


def test_extract_html_paragraphs_on_separate_lines() -> None:
    text, _ = extract_html(page().encode(), origin="port.html")
    lines = text.split("\n")
    for paragraph in PARAGRAPHS:
        assert paragraph in lines


def test_document_from_bytes_html_document() -> None:
    [document] = document_from_bytes(page(head=METADATA_HEAD).encode(), origin="port.html")
    assert document.title == "Port struck overnight"
    assert document.source == "The Example Courier"
    assert document.published == "2024-05-02"
    assert document.language == "en"
    assert document.origin == "port.html"
    assert PARAGRAPHS[0] in document.text


def test_document_from_bytes_html_options_override_page_metadata() -> None:
    options = IngestOptions(
        title="Harbour fire", source="Wire copy", published="2024-05-03", url="https://x.test/1"
    )
    [document] = document_from_bytes(
        page(head=METADATA_HEAD).encode(), origin="port.html", options=options
    )
    assert document.title == "Harbour fire"
    assert document.source == "Wire copy"
    assert document.published == "2024-05-03"
    assert document.url == "https://x.test/1"


def test_document_from_bytes_html_sniffed_without_extension() -> None:
    [document] = document_from_bytes(page().encode(), origin="download")
    assert "<p>" not in document.text
    assert PARAGRAPHS[1] in document.text


def test_extract_html_declared_legacy_charset() -> None:
    body = "<p>Le préfet a déclaré que les équipes resteraient sur place toute la journée.</p>"
    data = page(body=body * 3, charset="windows-1252").encode("cp1252")
    text, _ = extract_html(data, origin="fr.html")
    assert "Le préfet a déclaré que les équipes" in text


def test_extract_html_latin1_label_read_as_windows_1252() -> None:
    body = "<p>The minister’s “final offer” was rejected — again, officials said today.</p>"
    data = page(body=body * 3, charset="iso-8859-1").encode("cp1252")
    text, _ = extract_html(data, origin="quotes.html")
    assert "The minister’s “final offer” was rejected — again" in text


def test_extract_html_malformed_markup_does_not_crash() -> None:
    markup = (
        "<html><body><div><p>Officials said the bridge was destroyed early on Monday by "
        "artillery fire, <b>and the road <i>was closed</b> for repairs<p>unclosed <table><tr>"
    )
    text, _ = extract_html(markup.encode(), origin="broken.html")
    assert "Officials said the bridge was destroyed" in text


@pytest.mark.parametrize(
    "markup",
    [
        "<html><head><title>App</title></head><body></body></html>",
        "<html><body><script>window.app = {start: true};</script></body></html>",
        "<html><body><p>   </p><div>\n\t</div></body></html>",
    ],
)
def test_extract_html_without_article_text(markup: str) -> None:
    with pytest.raises(UnreadableInput, match=r"app\.html: no article text found in the HTML"):
        extract_html(markup.encode(), origin="app.html")


def test_extract_html_binary_is_refused_before_parsing() -> None:
    with pytest.raises(UnreadableInput, match="a PNG image"):
        extract_html(b"\x89PNG\r\n\x1a\n\x00\x00", origin="image.html")


def test_extract_html_ignores_a_declared_charset_that_cannot_be_right() -> None:
    body = "<p>Le préfet a déclaré que les équipes resteraient sur place toute la journée.</p>"
    data = page(body=body * 3, charset="utf-16").encode("cp1252")
    if len(data) % 2:
        data += b" "  # even length: would decode as UTF-16 (to nonsense) if it were trusted
    text, _ = extract_html(data, origin="mislabelled.html")
    assert "Le préfet a déclaré que les équipes" in text
