"""The JSON contract (``schema: "sitroom/1"``) as pydantic models, plus the ingest types.

Every stage talks through these types: ingest produces a :class:`Document`, segmentation a list
of :class:`Segment`, and ``pipeline.py`` alone turns an analysed spaCy ``Doc`` into a
:class:`DocumentResult`. Field names and closed vocabularies follow ``DESIGN.md`` exactly;
extend a vocabulary only by a documented change. Offsets are character offsets into
``Document.text`` as ingested.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION: Literal["sitroom/1"] = "sitroom/1"

_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _check_timestamp(value: str) -> str:
    """Accept an ISO date or datetime and keep the precision it was given with."""
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"not an ISO 8601 date or datetime: {value!r}") from exc
    return value


Timestamp = Annotated[str, AfterValidator(_check_timestamp)]
"""An ISO 8601 date (``2022-02-25``) or datetime (``2022-02-25T10:30:00+00:00``)."""

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""Characters some store cannot hold: unpaired surrogates (not UTF-8) and NUL (PostgreSQL
text; SQLite holds it, and the PostgreSQL store refuses it with a StoreError)."""
_UNENCODABLE = re.compile("[\ud800-\udfff]")


def _check_storable(value: str) -> str:
    found = _UNENCODABLE.search(value)
    if found:
        raise ValueError(
            f"holds U+{ord(found.group()):04X} at {found.start()}, which cannot be stored;"
            " read input through sitroom.ingest, which decodes and cleans it"
        )
    return value


StorableText = Annotated[str, AfterValidator(_check_storable)]
"""Text without unpaired surrogates (they have no UTF-8 form: no hash, no store)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


# --- closed vocabularies ---------------------------------------------------------------------


class EntityType(StrEnum):
    """Named-entity types (spaCy's OntoNotes labels for names)."""

    PERSON = "PERSON"
    NORP = "NORP"
    FAC = "FAC"
    ORG = "ORG"
    GPE = "GPE"
    LOC = "LOC"
    PRODUCT = "PRODUCT"
    EVENT = "EVENT"
    WORK_OF_ART = "WORK_OF_ART"
    LAW = "LAW"
    LANGUAGE = "LANGUAGE"


class PlaceKind(StrEnum):
    country = "country"
    admin1 = "admin1"
    admin2 = "admin2"
    city = "city"
    town = "town"
    village = "village"
    district = "district"
    river = "river"
    airport = "airport"
    facility = "facility"
    region = "region"
    continent = "continent"
    other = "other"


class PlacePrecision(StrEnum):
    exact = "exact"
    near = "near"
    admin2 = "admin2"
    admin1 = "admin1"
    country = "country"
    unresolved = "unresolved"


class TimePrecision(StrEnum):
    """Granularity of a normalised time value.

    DESIGN.md names day/month/year; the others are needed to represent what news text says
    ("this week", "the 1990s", "for three years") without pretending to more precision.
    """

    time = "time"
    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"
    season = "season"
    year = "year"
    decade = "decade"
    century = "century"
    duration = "duration"
    reference = "reference"


class StatementKind(StrEnum):
    direct = "direct"
    indirect = "indirect"
    mixed = "mixed"


class SpeakerType(StrEnum):
    person = "person"
    organization = "organization"
    country = "country"
    outlet = "outlet"
    unknown = "unknown"


class Stance(StrEnum):
    assert_ = "assert"
    claim = "claim"
    accuse = "accuse"
    deny = "deny"
    confirm = "confirm"
    urge = "urge"
    warn = "warn"
    praise = "praise"
    announce = "announce"
    perceive = "perceive"


class EventType(StrEnum):
    """PLOVER 2024 event types; the older FIGHT folds into ASSAULT."""

    AGREE = "AGREE"
    CONSULT = "CONSULT"
    SUPPORT = "SUPPORT"
    COOPERATE = "COOPERATE"
    AID = "AID"
    CONCEDE = "CONCEDE"
    RETREAT = "RETREAT"
    DEMAND = "DEMAND"
    DISAPPROVE = "DISAPPROVE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    PROTEST = "PROTEST"
    MOBILIZE = "MOBILIZE"
    SANCTION = "SANCTION"
    COERCE = "COERCE"
    ASSAULT = "ASSAULT"
    INVESTIGATE = "INVESTIGATE"
    CRIME = "CRIME"


class Metric(StrEnum):
    killed = "killed"
    injured = "injured"
    missing = "missing"
    displaced = "displaced"
    refugees = "refugees"
    evacuated = "evacuated"
    detained = "detained"
    troops = "troops"
    destroyed = "destroyed"
    damaged = "damaged"
    other = "other"


class Qualifier(StrEnum):
    exact = "exact"
    about = "about"
    at_least = "at_least"
    more_than = "more_than"
    up_to = "up_to"
    range = "range"
    vague = "vague"


# --- the contract ----------------------------------------------------------------------------


class Mention(_Strict):
    """One occurrence of an item in the document text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> Mention:
        if self.end < self.start:
            raise ValueError(f"mention ends ({self.end}) before it starts ({self.start})")
        return self


class DocumentInfo(_Strict):
    id: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: Timestamp | None = None
    language: str
    chars: int = Field(ge=0)


class Entity(_Strict):
    id: str
    name: str
    type: EntityType
    aliases: list[str] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)


class Place(_Strict):
    id: str
    name: str
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    kind: PlaceKind | None = None
    geonameid: int | None = None
    precision: PlacePrecision = PlacePrecision.unresolved
    mentions: list[Mention] = Field(default_factory=list)


class TimeExpression(_Strict):
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    value: str | None = None
    precision: TimePrecision | None = None


class Statement(_Strict):
    id: str
    kind: StatementKind
    text: str
    speaker: str | None = None
    speaker_type: SpeakerType = SpeakerType.unknown
    speaker_entity: str | None = None
    cue: str | None = None
    stance: Stance = Stance.assert_
    channel: str | None = Field(
        default=None,
        description="how it was said: 'on Facebook', 'in a televised address' (extension of "
        "sitroom/1, see docs/contract.md)",
    )
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    mentions: list[Mention] = Field(default_factory=list)


class Event(_Strict):
    id: str
    type: EventType
    mode: str | None = None
    actor: str | None = None
    target: str | None = None
    place: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    date: str | None = None
    date_precision: TimePrecision | None = None
    claimed_by: str | None = None
    stance: Stance | None = None
    text: str
    mentions: list[Mention] = Field(default_factory=list)


class Figure(_Strict):
    id: str
    metric: Metric
    value: float | None = None
    low: float | None = None
    high: float | None = None
    qualifier: Qualifier = Qualifier.exact
    unit: str | None = None
    who: str | None = None
    place: str | None = None
    date: str | None = None
    claimed_by: str | None = None
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class DocumentResult(_Strict):
    """Everything Sitroom extracted from one document: the ``sitroom/1`` JSON contract."""

    schema_: Literal["sitroom/1"] = Field(default=SCHEMA_VERSION, alias="schema")
    document: DocumentInfo
    entities: list[Entity] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    times: list[TimeExpression] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", use_enum_values=True, populate_by_name=True)

    def to_json(self, *, indent: int | None = None) -> str:
        """Serialise with the contract's field names (``schema``, not ``schema_``)."""
        return self.model_dump_json(by_alias=True, indent=indent)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the contract, as printed by ``sitroom schema``."""
    schema = DocumentResult.model_json_schema(by_alias=True)
    schema["$id"] = "https://sitroom.invalid/schema/sitroom-1.json"
    schema["title"] = "sitroom/1 document result"
    return schema


# --- ingest and segmentation types (internal, not part of the JSON output) --------------------


class SegmentKind(StrEnum):
    dateline = "dateline"
    heading = "heading"
    update_marker = "update_marker"
    paragraph = "paragraph"


class Segment(_Strict):
    """A paragraph-level block of a document, with its link to an earlier near-copy."""

    index: int = Field(ge=0)
    kind: SegmentKind
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    update: int = Field(default=0, ge=0, description="0 = top of the page; n = n-th update block")
    duplicate_of: int | None = Field(
        default=None, description="index of the first segment this one repeats (exactly or nearly)"
    )


class Document(_Strict):
    """One ingested article: the text Sitroom analyses and the metadata it was given."""

    text: StorableText
    title: StorableText | None = None
    source: StorableText | None = None
    url: StorableText | None = None
    published: Timestamp | None = None
    language: str = "en"
    origin: str = Field(default="-", description="file path, URL or '-' for stdin; for messages")
    dateline: tuple[int, int] | None = Field(
        default=None, description="character span of a leading dateline such as 'MOSCOW/KYIV:'"
    )
    warnings: list[str] = Field(
        default_factory=list, description="problems found at ingest that did not stop it"
    )

    @property
    def content_hash(self) -> str:
        """SHA-256 of the NFC-normalised text: the identity used for idempotent ingestion."""
        normal = unicodedata.normalize("NFC", self.text).strip()
        return hashlib.sha256(normal.encode("utf-8")).hexdigest()

    @property
    def id(self) -> str:
        return "d" + self.content_hash[:16]

    @property
    def published_date(self) -> date | None:
        """The publication day, if known (time of day and zone dropped)."""
        if not self.published:
            return None
        return date.fromisoformat(self.published[:10])

    def info(self) -> DocumentInfo:
        return DocumentInfo(
            id=self.id,
            title=self.title,
            source=self.source,
            url=self.url,
            published=self.published,
            language=self.language,
            chars=len(self.text),
        )


def is_iso_date_value(value: str) -> bool:
    """True for ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    return bool(_ISO_DATE.match(value))


class Analyser(Protocol):
    """What turns a document into its result: :class:`~sitroom.pipeline.Pipeline` fits; tests
    pass light fakes. Declared here, apart from the pipeline, so that code which only stores or
    serves results need not load spaCy to name it."""

    def analyse(self, document: Document) -> DocumentResult: ...
