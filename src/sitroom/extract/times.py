"""Time expressions: find them, and normalise them to TIMEX3 values against the published date.

The ``sitroom_times`` component runs after ``ner``. Its candidates are the matches of
Sitroom's own patterns (``_timex_find``: weekdays, "now", "three years", "the 1990s", times of
day...) checked against the parse, plus spaCy's DATE and TIME entities that no pattern
covers. Each span goes to ``doc.spans[TIMES_KEY]`` with ``span._.sitroom_time_value``
(``"2022-02-24"``, ``"P3Y"``, ``"PRESENT_REF"``... or None) and
``span._.sitroom_time_precision`` (a :class:`~sitroom.model.TimePrecision` value).

Relative expressions resolve against ``doc._.sitroom_published``; without it they keep no
value. A weekday or month without a year goes to the nearest such day in the past, or ahead
when the clause is in the future tense ("will meet Friday"). The component does not attach
times to events; ``extract/events.py`` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span, Token

from ..model import TimePrecision
from ._extensions import TIMES_KEY, register_extensions
from ._timex_find import finder_for
from ._timex_lexicon import TimeLexicon, load_time_words
from ._timex_value import FUTURE, PAST, TimeResolver

ENTITY_LABELS = ("DATE", "TIME")
# Auxiliaries that put a clause in the future ("will meet", "might come", "plans to meet").
FUTURE_AUX = frozenset(
    {"will", "'ll", "shall", "wo", "would", "'d", "could", "might", "may"}
)
PLAN_VERBS = frozenset(
    {"plan", "expect", "schedule", "set", "due", "intend", "hope", "aim", "prepare", "agree",
     "decide", "promise", "vow", "threaten", "want", "seek", "be", "likely", "going"}
)
# Words just before an expression that point ahead ("as soon as Tuesday", "effective Feb. 1").
FUTURE_CUES = ("as soon as", "as early as", "effective", "due", "starting", "scheduled for")
PERFECT_AUX = frozenset({"has", "have", "'ve", "had", "'d"})
PROGRESSIVE_AUX = frozenset({"is", "are", "am", "'s", "'re"})
# Month names that are also everyday words: only a capitalised, non-verbal token is the month.
AMBIGUOUS_MONTHS = frozenset({"may", "march", "august", "jan.", "mar."})
# "a year" after a noun or a number is a rate ("$5 a year"), which TimeML does not tag.
RATE_WORDS = frozenset({"a", "an", "per"})
# An entity with these words is an age or an amount, which TimeML does not tag.
AGE_WORDS = frozenset({"old", "aged", "age", "ages"})
# A bare year that spaCy calls a number stays a year after these words ("since 2014").
YEAR_CUES = frozenset(
    {"in", "since", "until", "till", "by", "from", "of", "before", "after", "during", "to",
     "through", "between", "and", "fiscal", "early", "late", "mid", "year", "around", "circa"}
)


@Language.factory(
    "sitroom_times",
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

    DOCS: sitroom/extract/times.py module docstring.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "sitroom_times",
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

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            self.set_annotations(doc, self.find(doc))
        except Exception as exc:
            error_handler(self.name, self, [doc], exc)
        return doc

    def find(self, doc: Doc) -> list[Span]:
        """Pattern matches that the parse confirms, plus uncovered DATE/TIME entities."""
        spans = [s for s in self._pattern_spans(doc) if self._plausible(s)]
        if self.use_entities:
            taken = [(s.start, s.end) for s in spans]
            for ent in doc.ents:
                if ent.label_ not in ENTITY_LABELS or not _is_time_entity(ent):
                    continue
                ent = _trim(ent)
                if self.resolver.parser.parse(ent.text).is_empty:
                    continue  # "Stauber", "his 30s": nothing a time value could come from
                if all(ent.end <= start or ent.start >= end for start, end in taken):
                    spans.append(ent)
        return sorted(spans)

    def set_annotations(self, doc: Doc, spans: Iterable[Span]) -> None:
        """Resolve each span against the published date and store it under ``spans_key``."""
        published = doc._.sitroom_published
        result = []
        for span in spans:
            time_span = Span(doc, span.start, span.end, label="TIMEX")
            value, precision = self.resolver.resolve(span.text, published, _tense(span))
            time_span._.sitroom_time_value = value
            time_span._.sitroom_time_precision = precision.value if precision else None
            result.append(time_span)
        doc.spans[self.spans_key] = result

    def _pattern_spans(self, doc: Doc) -> Iterable[Span]:
        for start, end in self.finder.find(doc.text):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None and len(span):
                yield span

    def _plausible(self, span: Span) -> bool:
        """Whether the parse agrees that a pattern match is a time expression."""
        words = [t for t in span if not t.is_punct]
        if not words:
            return False
        head = words[-1]
        if len(words) == 1 and head.lower_ in AMBIGUOUS_MONTHS:
            return _is_month_name(head)
        if len(words) == 1 and head.like_num and len(head.text) == 4:
            return _is_year(head)
        if len(words) == 1 and head.lower_ in self.lexicon["set"]:
            return head.pos_ not in ("NOUN", "PROPN")  # "the party daily Granma" is a paper
        if len(words) == 2 and words[0].lower_ in RATE_WORDS and span.start > 0:
            # "$1.76 a year", "four flights a week" are rates, not durations
            return span.doc[span.start - 1].pos_ not in ("NOUN", "PROPN", "NUM", "SYM")
        return True


def _is_month_name(token: Token) -> bool:
    """"in May", not "may go" or "the March for Life"."""
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


def _is_year(token: Token) -> bool:
    if token.ent_type_ in ("DATE", "TIME", ""):
        return True
    before = token.nbor(-1).lower_ if token.i > 0 else ""
    return before in YEAR_CUES


def _is_time_entity(ent: Span) -> bool:
    """spaCy DATE/TIME entities minus ages and bare numbers."""
    words = {t.lower_ for t in ent}
    following = ent.doc[ent.end].lower_ if ent.end < len(ent.doc) else ""
    if words & AGE_WORDS or following in AGE_WORDS or "-old" in ent.text:
        return False
    if all(t.dep_ == "amod" or t.is_punct for t in ent):
        return False  # "annual", "weekly": a property, not a time
    return not all(t.like_num or t.is_punct for t in ent) or len(ent.text) == 4


def _tense(span: Span) -> str | None:
    """"past" or "future" from the verb that governs ``span``, when the parse says so."""
    before = span.doc[max(0, span.start - 3) : span.start].text.lower()
    if before.endswith(FUTURE_CUES):
        return FUTURE
    # Only a verb the expression hangs on directly ("met Friday", "met on Friday") counts:
    # "Friday's purchases" or "the June agreement" say nothing of the clause's tense.
    token = span.root
    if token.dep_ == "pobj" and token.head.dep_ == "prep":
        token = token.head
    verb = token.head
    if token.dep_ in ("poss", "compound", "nmod") or verb.pos_ not in ("VERB", "AUX"):
        return None
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_ for a in aux}
    if words & FUTURE_AUX:
        return FUTURE
    # An infinitive looks ahead only under a verb of planning: "plans to meet Friday", but
    # not "defied warnings to invade on Thursday".
    if "to" in words and verb.dep_ in ("xcomp", "ccomp") and verb.head.lemma_ in PLAN_VERBS:
        return FUTURE
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in aux) or words & PERFECT_AUX:
        return PAST
    # News uses the present for what is scheduled: "leaders meet Monday", "is flying Friday".
    if verb.tag_ in ("VBZ", "VBP") or (verb.tag_ == "VBG" and words & PROGRESSIVE_AUX):
        return FUTURE
    return None


def normalise_time(
    text: str, published: date | None
) -> tuple[str | None, TimePrecision | None]:
    """Return the TIMEX3 value and precision of a time expression, relative to ``published``.

    ``normalise_time("last week", date(2022, 2, 25))`` -> ``("2022-W07", TimePrecision.week)``.
    A relative expression without ``published`` gives ``(None, None)``.
    """
    return TimeResolver(load_time_words()).resolve(text, published)
