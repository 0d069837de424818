"""Every custom ``Doc``/``Span`` attribute Sitroom uses, declared once.

Components write their results as spans in ``doc.spans[KEY]`` (which survive ``DocBin``,
``n_process`` and Dask pickling) and per-span attributes as the extensions below. Nothing here
overrides a spaCy built-in. Call :func:`register_extensions` before creating a ``Doc`` that a
Sitroom component will see; the factories call it too, so it is idempotent.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

SEGMENTS_KEY = "sitroom_segments"
TIMES_KEY = "sitroom_times"
ENTITIES_KEY = "sitroom_entities"
PLACES_KEY = "sitroom_places"
STATEMENTS_KEY = "sitroom_statements"
FIGURES_KEY = "sitroom_figures"
EVENTS_KEY = "sitroom_events"

_DOC_EXTENSIONS: dict[str, object] = {
    # Publication day that relative time expressions resolve against: an ISO date string
    # ("2022-02-25"; a datetime.date is accepted too, but does not survive n_process > 1).
    "sitroom_published": None,
    # (start_char, end_char) of a leading dateline ("MOSCOW/KYIV:"), found at ingest.
    "sitroom_dateline": None,
}

_SPAN_EXTENSIONS: dict[str, object] = {
    # segments: index of the earlier segment this one repeats, and the live-blog update number
    "sitroom_duplicate_of": None,
    "sitroom_update": 0,
    # times: normalised value ("2022-02-24", "2022-02", "2014", "P3Y", "PRESENT_REF") and precision
    "sitroom_time_value": None,
    "sitroom_time_precision": None,
    # entities: canonical name of the real-world referent this mention belongs to
    "sitroom_entity_name": None,
    # places: resolution as a plain dict with the keys of model.Place (minus id and mentions)
    "sitroom_place": None,
    # statements: the span is the reported content; the dict holds the keys of model.Statement
    # (kind, speaker, speaker_type, speaker_entity name, cue, stance, channel) minus id/mentions
    "sitroom_statement": None,
    # figures: the span runs from the qualifier to the counted noun; the dict holds the keys of
    # model.Figure (metric, value, low, high, qualifier, unit, who, date, claimed_by) + sentence
    "sitroom_figure": None,
    # events: the span is the trigger; the dict holds the keys of model.Event (type, mode, actor,
    # target, date, date_precision, claimed_by, stance) + places, modality, asserted, sentence
    "sitroom_event": None,
}


def register_extensions() -> None:
    """Declare Sitroom's extensions on ``Doc`` and ``Span`` (no-op when already declared)."""
    for name, default in _DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name, default in _SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
