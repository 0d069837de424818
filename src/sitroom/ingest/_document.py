"""From text plus metadata to a :class:`~sitroom.model.Document`.

Every reader (plain text, HTML, JSON) ends here, so the rules are applied once: the size
limit, command-line metadata winning over what the file says, ISO publication dates, the
language and the dateline. The text is kept as given, apart from newlines, because every
offset downstream points into it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitroom.errors import UnreadableInput
from sitroom.ingest._decode import normalise_newlines
from sitroom.ingest._spoofing import spoofing_warnings
from sitroom.ingest.dateline import find_dateline
from sitroom.ingest.language import detect_language
from sitroom.ingest.published import normalise_published
from sitroom.model import UNSTORABLE, Document

DEFAULT_MAX_CHARS = 5_000_000
"""Largest document, in characters after decoding ("5 MB of text"); see ``--max-chars``."""
BYTES_PER_CHAR = 4
"""Raw input may be up to this many bytes per allowed character (UTF-8 needs at most 4)."""
RAISE_LIMIT = "raise the limit with --max-chars (IngestOptions(max_chars=...))"


@dataclass(frozen=True)
class IngestOptions:
    """How to read sources; the metadata fields override what a file says about itself."""

    max_chars: int = DEFAULT_MAX_CHARS
    title: str | None = None
    source: str | None = None
    published: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if self.max_chars < 1:
            raise ValueError(f"max_chars must be a positive number, not {self.max_chars!r}")
        if self.published is not None:
            # Fail before reading anything, and parse the date once, not once per document.
            object.__setattr__(self, "published", normalise_published(self.published))

    @property
    def max_bytes(self) -> int:
        """Largest raw input accepted before decoding."""
        return BYTES_PER_CHAR * self.max_chars


@dataclass(frozen=True)
class Metadata:
    """What a file says about itself (HTML meta tags, JSON fields); all optional."""

    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    warnings: tuple[str, ...] = ()


NO_METADATA = Metadata()
DEFAULT_OPTIONS = IngestOptions()


def document_from_text(
    text: str, *, origin: str = "-", options: IngestOptions = DEFAULT_OPTIONS
) -> Document:
    """Make a Document from text already in memory; raise :class:`UnreadableInput` if unusable.

    ``origin`` names the text in messages and in ``Document.origin`` (a path, ``-``).
    """
    return build_document(text, origin=origin, options=options)


def build_document(
    text: str, *, origin: str, options: IngestOptions, metadata: Metadata = NO_METADATA
) -> Document:
    """Check ``text``, merge ``options`` over ``metadata`` and analyse the language and dateline.

    Look-alike letters, bidi controls and invisible characters are kept but warned about.
    """
    text = normalise_newlines(text)
    check_text(text, origin=origin, max_chars=options.max_chars)
    # A file name that is not UTF-8 reaches Python with lone surrogates; it is stored too.
    origin = UNSTORABLE.sub("\ufffd", origin)
    warnings = [UNSTORABLE.sub("\ufffd", warning) for warning in metadata.warnings]
    published = options.published or _file_published(metadata.published, origin, warnings)
    warnings.extend(spoofing_warnings(text, origin=origin))
    fields = {
        name: _storable(_first(given, found), name, origin, warnings)
        for name, given, found in (
            ("title", options.title, metadata.title),
            ("source", options.source, metadata.source),
            ("url", options.url, metadata.url),
        )
    }
    return Document(
        text=text,
        **fields,
        published=published,
        language=detect_language(text),
        origin=origin,
        dateline=find_dateline(text),
        warnings=warnings,
    )


def check_text(text: str, *, origin: str, max_chars: int) -> None:
    """Raise :class:`UnreadableInput` for blank, oversized or unstorable text."""
    if not text.strip():
        raise UnreadableInput(origin, "the text is empty or only whitespace; nothing to analyse")
    if len(text) > max_chars:
        raise UnreadableInput(
            origin,
            f"the text is {len(text):,} characters, over the limit of {max_chars:,}; {RAISE_LIMIT}",
        )
    bad = UNSTORABLE.search(text)
    if bad:
        raise UnreadableInput(
            origin,
            f"the text contains the invalid character U+{ord(bad.group()):04X} at offset "
            f"{bad.start()}, which cannot be stored; remove it from the source",
        )


def check_size(size: int, *, origin: str, options: IngestOptions, at_least: bool = False) -> None:
    """Raise :class:`UnreadableInput` if ``size`` raw bytes cannot fit in ``max_chars``.

    ``at_least`` says reading stopped at ``size`` bytes (a stream), so the input is larger.
    """
    if size > options.max_bytes:
        amount = f"at least {size:,}" if at_least else f"{size:,}"
        raise UnreadableInput(
            origin,
            f"the input is {amount} bytes, over the limit of {options.max_bytes:,} bytes "
            f"({BYTES_PER_CHAR} per character of max_chars={options.max_chars:,}); {RAISE_LIMIT}",
        )


def _file_published(value: str | None, origin: str, warnings: list[str]) -> str | None:
    """Normalise a date found in the file; a bad one is dropped with a warning, not fatal."""
    if not value or not value.strip():
        return None
    try:
        return normalise_published(value)
    except ValueError as exc:
        warnings.append(f"{origin}: publication date dropped: {exc}")
        return None


def _storable(value: str | None, name: str, origin: str, warnings: list[str]) -> str | None:
    """``value`` with unstorable characters (NUL, lone surrogates) replaced by U+FFFD.

    Metadata is not worth refusing a document for, unlike its text, whose offsets matter.
    """
    if value is None or not UNSTORABLE.search(value):
        return value
    warnings.append(f"{origin}: invalid characters in the {name} replaced by U+FFFD")
    return UNSTORABLE.sub("\ufffd", value)


def _first(*values: str | None) -> str | None:
    """The first value that is not None or blank, stripped."""
    for value in values:
        if value is not None and value.strip():
            return value.strip()
    return None
