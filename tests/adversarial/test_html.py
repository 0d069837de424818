"""Hostile HTML: deep nesting, active content (script, style, iframe, handlers), entity bombs.

Expected outcomes: the article text comes out without any script or style content, or the page
is refused with a clear :class:`UnreadableInput`; never a crash, never unbounded time or memory.
"""

from __future__ import annotations

import pytest
from fuzz.targets import check_document

from sitroom.errors import UnreadableInput
from sitroom.ingest import document_from_bytes
from tests.adversarial._limits import bounded

ARTICLE = (
    "<p>Rescue teams reached the flooded village after two days of rain, regional officials "
    "said on Sunday evening.</p><p>About 300 residents spent the night in the school gym, "
    "the mayor told reporters.</p>"
)
SECRET = "EXFILTRATE"  # appears only inside active content: must never reach the text


@pytest.fixture(scope="module", autouse=True)
def trafilatura_loaded() -> None:
    """Import trafilatura once (seconds), so the bounds below time the extraction alone."""
    document_from_bytes(
        f"<html><body><article>{ARTICLE}</article></body></html>".encode(), origin="w.html"
    )


def _page(body: str, head: str = "") -> bytes:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>".encode()


ACTIVE = {
    "script": f"<script>var {SECRET} = document.cookie;</script>",
    "script-in-article": f"<article><script>fetch('/{SECRET}')</script></article>",
    "style": f"<style>.{SECRET} {{ display: none }}</style>",
    "noscript-style": f"<noscript><style>#{SECRET}{{}}</style></noscript>",
    "event-handler": f'<img src="x" onerror="alert(\'{SECRET}\')">',
    "javascript-link": f"<a href=\"javascript:alert('{SECRET}')\">more</a>",
    "svg-script": f"<svg><script>alert('{SECRET}')</script></svg>",
    "object": f'<object data="{SECRET}.swf"></object><embed src="{SECRET}.swf">',
    "iframe-srcdoc": f'<iframe srcdoc="<script>{SECRET}()</script>"></iframe>',
    "template": f"<template><script>{SECRET}()</script></template>",
}


@pytest.mark.parametrize("active", ACTIVE.values(), ids=ACTIVE.keys())
def test_active_content_never_reaches_the_text(active: str) -> None:
    page = _page(f"<article>{active}{ARTICLE}{active}</article>", head=active)
    with bounded(seconds=5, megabytes=50):
        [document] = document_from_bytes(page, origin="page.html")
    check_document(document)
    assert SECRET not in document.text
    assert "Rescue teams reached the flooded village" in document.text
    assert "<script" not in document.text.lower()


def test_script_in_the_title_stays_text_in_the_metadata() -> None:
    page = _page(
        f"<article>{ARTICLE}</article>", head="<title>&lt;script&gt;x()&lt;/script&gt;</title>"
    )
    [document] = document_from_bytes(page, origin="page.html")
    # The title is data, kept as the page wrote it; escaping it is every view's job (the
    # dashboard's browser tests check that), so it must come through unchanged, not executed.
    assert document.title in (None, "<script>x()</script>")


@pytest.mark.parametrize("depth", [200, 5_000, 100_000])
def test_deeply_nested_html_is_read_or_refused_clearly(depth: int) -> None:
    page = _page("<div>" * depth + f"<article>{ARTICLE}</article>" + "</div>" * depth)
    with bounded(seconds=20, megabytes=300):
        try:
            [document] = document_from_bytes(page, origin="deep.html")
        except UnreadableInput as exc:
            outcome = exc.reason
        else:
            outcome = document.text
    if depth <= 200:  # within the parser's depth limit: the article is found
        assert "Rescue teams reached the flooded village" in outcome
    else:  # past libxml2's limit the tree is cut: a clear refusal, not a crash
        assert "no article text found" in outcome


def test_unclosed_tags_by_the_thousand_are_bounded() -> None:
    page = _page("<article>" + "<span><b><i>" * 20_000 + ARTICLE)
    with bounded(seconds=20, megabytes=300):
        try:
            [document] = document_from_bytes(page, origin="unclosed.html")
            check_document(document)
        except UnreadableInput as exc:
            assert "HTML" in exc.reason


def test_entity_bomb_in_an_html_doctype_is_not_expanded() -> None:
    levels = "".join(f"<!ENTITY e{i} '{f'&e{i - 1};' * 10 if i else 'lol'}'>" for i in range(9))
    body = f"<html><body><article>{ARTICLE}<p>&e8;</p></article></body></html>"
    page = f"<!DOCTYPE html [{levels}]>{body}"
    with bounded(seconds=5, megabytes=50):
        [document] = document_from_bytes(page.encode(), origin="bomb.html")
    assert "lollol" not in document.text
    assert len(document.text) < 10 * len(ARTICLE)


def test_megabyte_attribute_values_are_bounded() -> None:
    huge = "x" * 4_000_000
    page = _page(f'<article data-junk="{huge}"><p title="{huge}">{ARTICLE}</p></article>')
    with bounded(seconds=20, megabytes=200):
        [document] = document_from_bytes(page, origin="attrs.html")
    assert huge[:1000] not in document.text
