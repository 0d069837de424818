"""Place mentions, resolved against the offline gazetteer.

Recognition: the GPE/LOC/FAC entities of ``sitroom_entities``, plus names the model tagged as
something else or missed that the gazetteer knows and whose context says "place" ("in X",
"near X", "the village of X", "X River"). A name with a first name (a person) or an
organisation's name never becomes a place on the strength of the gazetteer alone.

Resolution: ``geo.resolve`` ranks the candidates of every name of the document together; a
name without a confident candidate stays ``unresolved``. "X, 60 km northwest of Y" places an
unresolved X (or an X resolved implausibly far from Y) ``near`` Y, at that offset.
"""

from __future__ import annotations

from typing import Any

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from ..geo import context
from ..geo.candidates import area_candidates
from ..geo.gazetteer import Candidate, Gazetteer
from ..geo.names import fold, skeleton
from ..geo.parts import outlet_words
from ..geo.resolve import Mention, Resolution, haversine_km, resolve_all
from ._extensions import ENTITIES_KEY, PLACES_KEY, register_extensions

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
CUE_LABELS = frozenset({"PERSON", "ORG", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT"})
"""Entity labels the model sometimes gives places; such a mention needs a context cue."""
EMBEDDING_LABELS = frozenset({"ORG", "NORP", "FAC"})
"""Names that may hold a place name of their own ("Air Canada", "anti-Russian")."""
COMPASS_WORDS = frozenset(
    {"central", "centre", "center", "north", "south", "east", "west", "northern", "southern"}
    | {"eastern", "western", "northeast", "northwest", "southeast", "southwest", "coast"}
)
PLURAL_TAGS = frozenset({"NNS", "NNPS"})
PRECISION_OF_KIND = {"country": "country", "admin1": "admin1", "admin2": "admin2"}
NEAR_SLACK_KM = 50.0
"""A resolved place farther than 2 x distance + this from its anchor is re-placed near it."""
_MAX_NAME_TOKENS = 4
_LOCATIVE_IDS = frozenset(map(get_string_id, context.LOCATIVE_WORDS))
MAJOR_POPULATION = 100_000
"""A city this large, opening an organisation's name, is a place mention of its own."""


class PlaceResolver(Pipe):
    """Find place names and write them, resolved or not, to ``doc.spans[spans_key]``."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        spans_key: str = PLACES_KEY,
        gazetteer: Gazetteer,
        adjectives: bool = False,
        embedded: bool = False,
    ) -> None:
        register_extensions()
        self.name = name
        self.spans_key = spans_key
        self.gazetteer = gazetteer
        self.adjectives = adjectives
        self.embedded = embedded

    def __call__(self, doc: Doc) -> Doc:
        try:
            self.annotate(doc, self.find(doc))
        except Exception as exc:  # route through spaCy's handler: one doc can't sink a batch
            self.get_error_handler()(self.name, self, [doc], exc)
        return doc

    # --- recognition ---------------------------------------------------------------------------

    def find(self, doc: Doc) -> list[Span]:
        """The place mentions of ``doc``, in order, without overlaps."""
        found: list[Span] = []
        covered = bytearray(len(doc))
        for span in doc.spans.get(ENTITIES_KEY, []):
            covered[span.start : span.end] = b"\x01" * len(span)
            if fold(span.text) in context.NOT_PLACE_NAMES:
                continue
            if span.label_ in PLACE_LABELS:
                if self._plausible(doc, span):
                    found.append(span)
            elif self._cued_entity(doc, span) or self._major_place_name(span):
                found.append(span)
            elif self._adjective(span):
                found.append(span)  # "Russian", "EU": adjectival and abbreviated toponyms
            elif self.embedded and span.label_ in EMBEDDING_LABELS:
                found.extend(self._inner_places(doc, span))
        for ent in doc.ents:  # dates, numbers...: not names, never places
            covered[ent.start : ent.end] = b"\x01" * len(ent)
        found.extend(self._cued_names(doc, covered))
        # "A Sitroom Wire reporter", "Dawn News said": an outlet, whatever the model's label.
        outlets = outlet_words()
        found = [s for s in found if s[-1].lower_ not in outlets]
        return sorted(found, key=lambda s: s.start)

    def _adjective(self, span: Span) -> bool:
        """ "Russian", "EU" (with ``adjectives``); "Russians" names people and "English" a
        language, not the place."""
        if not self.adjectives or span.label_ == "LANGUAGE":
            return False
        if fold(span.text) not in self.gazetteer.aliases:
            return False
        return span.label_ != "NORP" or span[-1].tag_ not in PLURAL_TAGS

    def _inner_places(self, doc: Doc, span: Span) -> list[Span]:
        """ "Air Zimbabwe", "the Bank of Malta", "EU Aviation Strategy", "anti-Russian": a
        well-known place (or, with ``adjectives``, its adjective) inside another name."""
        places = []
        i = span.start
        while i < span.end:
            for end in range(min(span.end, i + _MAX_NAME_TOKENS), i, -1):
                part = doc[i:end]
                if (i, end) != (span.start, span.end) and self._inner_name(span, part):
                    places.append(Span(doc, i, end, label="GPE"))
                    i = end
                    break
            else:
                i += 1
        return places

    def _inner_name(self, span: Span, part: Span) -> bool:
        if not part[0].text[:1].isupper() or part[0].lower_ == "the" or not part[-1].is_alpha:
            return False
        if span.label_ == "NORP" and not _hyphenated(part):
            return False  # "Central American" is one word for a region
        key = fold(part.text)
        # "Central Bank", "Western Union": a first-level division named by a compass word
        common = key in COMPASS_WORDS
        for c in self.gazetteer.lookup(key):
            if c.main and _is_major(c) and not (common and c.kind == "admin1"):
                return True
        alias = self.gazetteer.aliases.get(key) if self.adjectives else None
        return alias is not None and alias.kind in ("country", "continent") and len(part) == 1

    def _plausible(self, doc: Doc, span: Span) -> bool:
        """A one-word GPE/LOC the gazetteer has never heard of ("Coincheck") is a place only
        with a cue ("the village of X", "in X"): then it is kept, unresolved."""
        if len(span) > 1 or doc[span.start].is_upper:
            return True
        text = span._.sitroom_entity_name or span.text
        if self.gazetteer.lookup(skeleton(text), table="skeleton"):
            return True
        hint = context.kind_hint(doc, span.start, span.end)
        return bool(hint) or context.has_locative_cue(doc, span.start)

    def _major_place_name(self, span: Span) -> bool:
        """ "Tamil Nadu" tagged PERSON, "Harare" tagged ORG: the main name of a major place
        (a person's one-word name and acronyms excluded)."""
        if span.label_ not in ("PERSON", "ORG") or span.text.isupper():
            return False
        if span.label_ == "PERSON" and len(span) < 2:
            return False
        name = span._.sitroom_entity_name or span.text
        if name != span.text:
            return False  # part of a longer name the document also uses
        # an organisation called "Centre" or "Western": region names that are common words
        kinds = ("country", "city") if span.label_ == "ORG" else ("country", "admin1", "city")
        candidates = self.gazetteer.lookup(fold(name))
        return any(c.main and c.kind in kinds and _is_major(c) for c in candidates)

    def _cued_entity(self, doc: Doc, span: Span) -> bool:
        name = span._.sitroom_entity_name or span.text
        if span.label_ not in CUE_LABELS or (span.label_ == "PERSON" and " " in name):
            return False
        if span.text.isupper() or fold(name) in context.NOT_PLACE_NAMES:
            return False
        if context.kind_hint(doc, span.start, span.end):
            return self._known(span.text, aliases=True)
        return context.has_locative_cue(doc, span.start) and self._known(span.text)

    def _cued_names(self, doc: Doc, covered: bytearray) -> list[Span]:
        """Proper names outside every entity, after a locative cue, that the gazetteer knows."""
        spans = []
        resume = 1  # a name found runs to here: the next one starts after it
        # Only the words after a cue can start a name: find those from the token ids alone,
        # without building a Token for every position of the document.
        lowers = doc.to_array(LOWER).tolist()
        for i in range(1, len(doc)):
            if lowers[i - 1] not in _LOCATIVE_IDS or i < resume:
                continue
            if covered[i] or not _is_name_token(doc[i]):
                continue
            end = i + 1
            while end < min(len(doc), i + _MAX_NAME_TOKENS) and _is_name_token(doc[end]):
                end += 1
            if not any(covered[i:end]) and self._known(doc[i:end].text):
                spans.append(Span(doc, i, end, label="GPE"))
            resume = end
        return spans

    def _known(self, text: str, *, aliases: bool = False) -> bool:
        """True when the gazetteer holds ``text`` as a place's main name (or any of its names,
        romanisations included, with ``aliases``)."""
        if aliases:
            return bool(self.gazetteer.lookup(skeleton(text), table="skeleton"))
        return any(c.main for c in self.gazetteer.lookup(fold(text)))

    # --- resolution ----------------------------------------------------------------------------

    def annotate(self, doc: Doc, mentions: list[Span]) -> None:
        """Resolve ``mentions`` together and store them with their resolution."""
        names: dict[str, Mention] = {}
        keys = []
        for index, span in enumerate(mentions):
            text = span._.sitroom_entity_name or span.text
            key = fold(text)
            keys.append(key)
            mention = names.setdefault(key, Mention(text))
            mention.hint = mention.hint or context.kind_hint(doc, span.start, span.end)
            following = mentions[index + 1] if index + 1 < len(mentions) else None
            if following is not None and self._qualifies(doc, span, following):
                mention.qualifier = mention.qualifier or following.text
        resolved = dict(zip(names, resolve_all(self.gazetteer, list(names.values())), strict=True))
        spans = []
        for span, key in zip(mentions, keys, strict=True):
            copy = Span(doc, span.start, span.end, label=span.label_ or "GPE")
            copy._.sitroom_place = _place(names[key].text, resolved[key])
            spans.append(copy)
        self._relative(doc, spans)
        doc.spans[self.spans_key] = spans

    def _qualifies(self, doc: Doc, span: Span, following: Span) -> bool:
        """True for "Athens, Ga." / "Lviv, Ukraine": a comma, then a name that may be a state
        or a country; not inside a list of names ("Becker, Clay, Douglas and Otter Tail
        counties": Clay is the next county, not Becker's state)."""
        if following.start != span.end + 1 or doc[span.end].text != ",":
            return False
        if context.list_kind(doc, span.end) is not None:
            return False
        text = following._.sitroom_entity_name or following.text
        return bool(area_candidates(self.gazetteer, text))

    def _relative(self, doc: Doc, spans: list[Span]) -> None:
        """Re-place a name said to lie "N km <direction> of Y" when Y is resolved."""
        for index, span in enumerate(spans):
            relative = context.relative_location(doc, span)
            if relative is None:
                continue
            anchor = _anchor(spans, index, relative.anchor_start, doc)
            if anchor is None:
                continue
            place, origin = span._.sitroom_place, anchor._.sitroom_place
            limit = 2 * relative.distance_km + NEAR_SLACK_KM
            resolved = place["precision"] != "unresolved"
            if resolved and _km(place, origin) <= limit:
                continue
            lat, lon = origin["lat"], origin["lon"]
            if relative.bearing is not None:
                lat, lon = context.offset_point(lat, lon, relative.distance_km, relative.bearing)
            span._.sitroom_place = {
                "name": place["name"],
                "lat": round(lat, 5),
                "lon": round(lon, 5),
                "country": origin.get("country"),
                "kind": place.get("kind"),
                "precision": "near",
            }


def _anchor(spans: list[Span], index: int, start: int, doc: Doc) -> Span | None:
    """The resolved place the distance is measured from: the name at ``start``, or, for "the
    city"/"the capital", the last resolved settlement before the relative phrase."""
    for span in spans[index + 1 :]:
        if span.start in (start, start + 1) and _is_resolved(span):
            return span
    if start + 1 < len(doc) and doc[start].lower_ == "the":
        word = doc[start + 1].lower_
        kinds = {"city": ("city", "town", "village"), "capital": ("city",), "town": ("town",)}
        wanted = kinds.get(word)
        if wanted:
            for span in reversed(spans[: index + 1]):
                if _is_resolved(span) and span._.sitroom_place.get("kind") in wanted:
                    return span
    return None


def _hyphenated(part: Span) -> bool:
    doc = part.doc
    before = part.start > 0 and doc[part.start - 1].text == "-"
    return before or (part.end < len(doc) and doc[part.end].text == "-")


def _km(one: dict[str, Any], other: dict[str, Any]) -> float:
    return haversine_km(one["lat"], one["lon"], other["lat"], other["lon"])


def _is_major(candidate: Candidate) -> bool:
    return candidate.kind in ("country", "admin1", "continent") or (
        candidate.population >= MAJOR_POPULATION
    )


def _is_resolved(span: Span) -> bool:
    return span._.sitroom_place.get("precision") not in (None, "unresolved", "near")


def _is_name_token(token) -> bool:  # type: ignore[no-untyped-def]
    return token.is_alpha and token.text[:1].isupper() and token.pos_ in ("PROPN", "")


def _place(text: str, resolution: Resolution) -> dict[str, object]:
    best: Candidate | None = resolution.best
    if best is None:
        return {"name": text, "precision": "unresolved"}
    if resolution.near:  # "the X River" placed near the town X: the river keeps its name
        return {
            "name": text,
            "lat": round(best.lat, 5),
            "lon": round(best.lon, 5),
            "country": best.country,
            "precision": "near",
        }
    return {
        "name": best.name,
        "lat": round(best.lat, 5),
        "lon": round(best.lon, 5),
        "country": best.country,
        "kind": best.kind,
        "geonameid": best.geonameid,
        "precision": PRECISION_OF_KIND.get(best.kind, "exact"),
    }


@Language.factory(
    "sitroom_places",
    assigns=["doc.spans"],
    requires=["doc.spans"],
    default_config={
        "spans_key": PLACES_KEY,
        "gazetteer": {"@misc": "sitroom.gazetteer.v1"},
        "adjectives": False,
        "embedded": False,
    },
)
def make_places(
    nlp: Language,
    name: str,
    spans_key: str,
    gazetteer: Gazetteer,
    adjectives: bool,
    embedded: bool,
) -> PlaceResolver:
    """Create the place recogniser and resolver. DOCS: DESIGN.md, 'places'.

    ``adjectives`` also marks nationality adjectives and abbreviations ("Russian", "EU") as
    mentions of their place, and ``embedded`` a major place opening an organisation's name
    ("Air Zimbabwe"), as the geoparsing corpora annotate them; both are off for reports.
    """
    return PlaceResolver(
        nlp,
        name,
        spans_key=spans_key,
        gazetteer=gazetteer,
        adjectives=adjectives,
        embedded=embedded,
    )
