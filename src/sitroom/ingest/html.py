"""Article text and metadata out of a saved web page, with trafilatura.

trafilatura drops navigation, adverts and reader comments, and reads the title, publication
date, site name and canonical URL from meta tags and JSON-LD. Paragraphs come out one per
line. This module does not download pages (the URL reader does) and does not guess a date
from the body text: a date in the text is not necessarily the publication date.
"""

from __future__ import annotations

import re
from typing import Any

from sitroom.errors import UnreadableInput
from sitroom.ingest._decode import decode
from sitroom.ingest._document import Metadata

# htmldate: read dates from markup only, not from anywhere in the text.
_DATE_PARAMS: dict[str, Any] = {"original_date": True, "extensive_search": False}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_CHARSET_SEARCH_BYTES = 4_096
# Pages labelled Latin-1 or ASCII are really Windows-1252, as browsers assume (WHATWG).
_WINDOWS_1252_LABELS = frozenset(
    {"ascii", "us-ascii", "iso-8859-1", "iso8859-1", "latin1", "latin-1"}
)
NO_TEXT = (
    "no article text found in the HTML (an empty page, a script-only app shell or a login "
    "wall?); save the article text as a .txt file instead"
)


def extract_html(data: bytes, *, origin: str) -> tuple[str, Metadata]:
    """Return the article text of the page in ``data`` and its metadata.

    Raises :class:`UnreadableInput` when the bytes are not text or the page has no article.
    """
    markup = decode(data, origin=origin, declared=_declared_charset(data))
    return extract_html_text(markup, origin=origin)


def extract_html_text(markup: str, *, origin: str) -> tuple[str, Metadata]:
    """Like :func:`extract_html`, for markup already decoded."""
    # Imported here: trafilatura takes a noticeable time to import and plain-text runs
    # never need it.
    from trafilatura import bare_extraction
    from trafilatura.settings import Document as Page

    try:
        result = bare_extraction(
            markup,
            with_metadata=True,
            include_comments=False,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception as exc:
        # trafilatura and lxml raise assorted errors on hostile markup; one bad page must
        # not stop a batch, so report it as this input's problem.
        raise UnreadableInput(origin, f"the HTML could not be parsed ({exc!r})") from exc
    if not isinstance(result, Page) or not result.text or not result.text.strip():
        raise UnreadableInput(origin, NO_TEXT)
    metadata = Metadata(
        title=result.title, source=result.sitename, url=result.url, published=result.date
    )
    return result.text, metadata


def _declared_charset(data: bytes) -> str | None:
    """The encoding named by a ``<meta charset>`` near the top of the page, if any."""
    match = _CHARSET.search(data[:_CHARSET_SEARCH_BYTES])
    if match is None:
        return None
    label = match[1].decode("ascii").lower()
    return "cp1252" if label in _WINDOWS_1252_LABELS else label
