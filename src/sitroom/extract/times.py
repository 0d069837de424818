"""Time expressions: find them, and normalise them to TIMEX3 values against the published date.

The ``sitroom_times`` component runs after ``ner``. Its candidates are the matches of
Sitroom's own patterns (``_timex_find``: weekdays, "now", "three years", "the 1990s", times of
day...) that the parse does not contradict, plus spaCy's DATE and TIME entities that no
pattern covers. Each span goes to ``doc.spans[TIMES_KEY]`` with
``span._.sitroom_time_value`` (``"2022-02-24"``, ``"P3Y"``, ``"PRESENT_REF"``... or None) and
``span._.sitroom_time_precision`` (a :class:`~sitroom.model.TimePrecision` value).

Relative expressions resolve against ``doc._.sitroom_published`` (a ``date``, or an ISO
string, which unlike a ``date`` survives ``nlp.pipe(n_process=2)``); without it they keep no
value. A weekday or month without a year is the nearest such day in the past, or ahead when
the clause looks ahead ("will meet Friday", "plans to meet Friday", "meets Friday"). The
component does not attach times to events; ``extract/events.py`` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span, Token

from ..model import TimePrecision
from ._base import doc_text
from ._extensions import TIMES_KEY, register_extensions
from ._timex_find import finder_for
from ._timex_lexicon import TimeLexicon, load_time_words
from ._timex_value import FUTURE, PAST, TimeResolver

DEFAULT_NAME = "sitroom_times"
SPAN_LABEL = "TIMEX"
ENTITY_LABELS = ("DATE", "TIME")
# Month names that are also everyday words: only a capitalised, non-verbal token is the month.
AMBIGUOUS_MONTHS = frozenset({"may", "march", "august", "jan.", "mar."})
CUE_ROLES = (
    "age_word",
    "future_aux",
    "future_before",
    "perfect_aux",
    "plan_verb",
    "progressive_aux",
    "rate_word",
    "year_before",
)
CONTEXT_WINDOW = 3  # tokens before an expression searched for cues like "as soon as"


@Language.factory(
    DEFAULT_NAME,
    assigns=["doc.spans"],
    requires=["doc.ents"],
    default_config={
        "spans_key": TIMES_KEY,
        "lexicon": {"@misc": "sitroom.time_words.v1"},
        "use_entities": True,
    },
)
def make_times(
    nlp: Language, name: str, spans_key: str, lexicon: TimeLexicon, use_entities: bool
) -> TimeExtractor:
    """Build the ``sitroom_times`` component."""
    return TimeExtractor(nlp, name, spans_key=spans_key, lexicon=lexicon, use_entities=use_entities)


class TimeExtractor(Pipe):
    """Find time expressions and give each a TIMEX3 value and a precision.

    ``use_entities`` adds spaCy's DATE/TIME entities that no pattern found.

    DOCS: the module docstring of ``sitroom.extract.times``.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = DEFAULT_NAME,
        *,
        spans_key: str = TIMES_KEY,
        lexicon: TimeLexicon | None = None,
        use_entities: bool = True,
    ) -> None:
        register_extensions()
        self.name = name
        self.spans_key = spans_key
        self.use_entities = use_entities
        self.lexicon = lexicon if lexicon is not None else load_time_words()
        self.finder = finder_for(self.lexicon)
        self.resolver = TimeResolver(self.lexicon)
        self.cues = {role: self.lexicon.cues(role) for role in CUE_ROLES}

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            self.set_annotations(doc, self.find(doc))
        except Exception as exc:
            error_handler(self.name, self, [doc], exc)
        return doc

    def find(self, doc: Doc) -> list[Span]:
        """Pattern matches the parse agrees with, plus DATE/TIME entities no match covers."""
        spans = [span for span in self._pattern_spans(doc) if self._plausible(span)]
        if self.use_entities:
            taken = [(span.start, span.end) for span in spans]
            for ent in self._entity_spans(doc):
                if all(ent.end <= start or ent.start >= end for start, end in taken):
                    spans.append(ent)
        return sorted(spans)

    def set_annotations(self, doc: Doc, spans: Iterable[Span]) -> None:
        """Resolve each span against the published date and store it under ``spans_key``."""
        published = _as_date(doc._.sitroom_published)
        result = []
        for span in spans:
            time_span = Span(doc, span.start, span.end, label=SPAN_LABEL)
            value, precision = self.resolver.resolve(span.text, published, self._tense(span))
            time_span._.sitroom_time_value = value
            time_span._.sitroom_time_precision = precision.value if precision else None
            result.append(time_span)
        doc.spans[self.spans_key] = result

    def _pattern_spans(self, doc: Doc) -> Iterator[Span]:
        for start, end in self.finder.find(doc_text(doc)):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None and len(span):
                yield span

    def _entity_spans(self, doc: Doc) -> Iterator[Span]:
        """spaCy DATE/TIME entities, minus ages, bare numbers and names without a time word."""
        ages = self.cues["age_word"]
        for ent in doc.ents:
            if ent.label_ not in ENTITY_LABELS:
                continue
            following = doc[ent.end].lower_ if ent.end < len(doc) else ""
            if {t.lower_ for t in ent} & ages or following in ages or "-old" in ent.text:
                continue
            if all(t.dep_ == "amod" or t.is_punct for t in ent):
                continue  # "annual", "weekly": a property, not a time
            ent = _trim(ent)
            if all(t.like_num or t.is_punct for t in ent) and len(ent.text) != 4:
                continue
            if not self.resolver.parser.parse(ent.text).is_empty:
                yield ent  # else "Stauber", "his 30s": nothing a value could come from

    def _plausible(self, span: Span) -> bool:
        """Whether the parse agrees that a pattern match is a time expression."""
        words = [t for t in span if not t.is_punct]
        if not words:
            return False
        head = words[-1]
        if len(words) == 1 and head.lower_ in AMBIGUOUS_MONTHS:
            return _is_month_name(head)
        if len(words) == 1 and head.like_num and len(head.text) == 4:
            return self._is_year(head)
        if len(words) == 1 and head.lower_ in self.lexicon["set"]:
            return head.pos_ not in ("NOUN", "PROPN")  # "the party daily Granma" is a paper
        if len(words) == 2 and words[0].lower_ in self.cues["rate_word"] and span.start > 0:
            # "$1.76 a year", "four flights a week" are rates, not durations
            return span.doc[span.start - 1].pos_ not in ("NOUN", "PROPN", "NUM", "SYM")
        return True

    def _is_year(self, token: Token) -> bool:
        """A four-digit number spaCy calls a number is a year only after "since", "in"..."""
        if token.ent_type_ in ("DATE", "TIME", ""):
            return True
        before = token.nbor(-1).lower_ if token.i > 0 else ""
        return before in self.cues["year_before"]

    def _tense(self, span: Span) -> str | None:
        """ "past" or "future" from the verb ``span`` hangs on, when the parse says so."""
        before = span.doc[max(0, span.start - CONTEXT_WINDOW) : span.start].text.lower()
        if before.endswith(tuple(self.cues["future_before"])):
            return FUTURE
        verb = _governing_verb(span)
        if verb is None:
            return None
        aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
        if aux & self.cues["future_aux"]:
            return FUTURE
        # An infinitive looks ahead only under a verb of planning: "plans to meet Friday",
        # not "defied warnings to invade on Thursday".
        if "to" in aux and verb.dep_ in ("xcomp", "ccomp"):
            return FUTURE if verb.head.lemma_ in self.cues["plan_verb"] else None
        if verb.tag_ == "VBD" or aux & self.cues["perfect_aux"]:
            return PAST
        if any(c.tag_ == "VBD" for c in verb.children if c.dep_ in ("aux", "auxpass")):
            return PAST
        # News uses the present for what is scheduled: "leaders meet Monday", "is flying Friday".
        if verb.tag_ in ("VBZ", "VBP") or (
            verb.tag_ == "VBG" and aux & self.cues["progressive_aux"]
        ):
            return FUTURE
        return None


def _as_date(value: date | str | None) -> date | None:
    """The published date, also from an ISO string: a ``date`` in ``doc.user_data`` does not
    survive the msgpack serialisation of ``nlp.pipe(n_process=2)``, a string does."""
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValueError(
            f"doc._.sitroom_published must be a date or an ISO date string, not {value!r}"
        ) from None


def _governing_verb(span: Span) -> Token | None:
    """The verb ``span`` hangs on directly ("met Friday", "met on Friday"), if any.

    "Friday's purchases" or "the June agreement" say nothing of the clause's tense.
    """
    token = span.root
    if token.dep_ == "pobj" and token.head.dep_ == "prep":
        token = token.head
    verb = token.head
    if token.dep_ in ("poss", "compound", "nmod") or verb.pos_ not in ("VERB", "AUX"):
        return None
    return verb


def _is_month_name(token: Token) -> bool:
    """ "in May", not "may go" or "the March for Life"."""
    doc = token.doc
    before = doc[token.i - 1] if token.i > 0 else None
    after = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
    if not token.text[0].isupper() or token.pos_ in ("AUX", "VERB") or after in ("of", "for"):
        return False
    return before is None or before.pos_ not in ("DET", "ADJ")


def _trim(ent: Span) -> Span:
    """Drop a trailing preposition or punctuation spaCy left in ("the night of")."""
    end = ent.end
    while end > ent.start + 1 and (ent.doc[end - 1].pos_ == "ADP" or ent.doc[end - 1].is_punct):
        end -= 1
    return ent.doc[ent.start : end]


def normalise_time(text: str, published: date | None) -> tuple[str | None, TimePrecision | None]:
    """Return the TIMEX3 value and precision of a time expression, relative to ``published``.

    ``normalise_time("last week", date(2022, 2, 25))`` -> ``("2022-W07", TimePrecision.week)``.
    A relative expression without ``published`` gives ``(None, None)``; no tense is known, so
    a bare weekday is the nearest one back.
    """
    return TimeResolver(load_time_words()).resolve(text, published)
