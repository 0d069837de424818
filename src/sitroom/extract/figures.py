"""Figures: counts bound to a metric ("137 people ... killed", "over 150,000 troops").

The ``sitroom_figures`` component runs last, after ``sitroom_times`` and, when present,
``sitroom_statements``. It finds number phrases (digits, number words, "a dozen", "tens of
thousands", and negations such as "no one" or "no civilians", which count 0), drops those that
are times, money, percentages, distances or ordinals, and binds each remaining one to a metric
through the parse: the verb or adjective that says what happened to what is counted ("were
killed", "displaced at least 100,000 people", "19 dead"), else the counted noun itself
("150,000 troops", "45,000 refugees"). A count after "including" is a sub-count and takes the
metric of the count it belongs to. A number bound to no metric is not a figure.

Each figure is a span in ``doc.spans[FIGURES_KEY]`` from its qualifier to its counted noun,
with ``span._.sitroom_figure``: a dict with the keys of :class:`~sitroom.model.Figure` minus
``id``, ``text``, ``start``, ``end`` and ``place``, plus ``sentence`` (start and end character
of the clause that states it). ``value`` is None for a vague count ("dozens") and for a range
(then ``low`` and ``high`` hold its ends). ``date`` is the value of the nearest dated time
expression in the sentence ("since 2014" gives the period's start, "2014"); ``claimed_by`` the
speaker of the statement whose content holds the figure.

Conventions (the gold in ``tests/data/figures_gold.jsonl`` follows them): a negation is a
figure of value 0 ("no one was killed" -> killed 0, exact); "nearly", "almost", "some" are
``about``; "fewer than", "under", "as many as" are ``up_to``; "casualties" (dead and wounded
together) is ``other``; a number in a date, an age, a time, money, a percentage or a measure
("45 kilometres") and "one of the" are never figures. The component does not resolve places,
does not mark hypothetical counts ("could kill 1,400") and does not merge repeated figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..model import Metric, Qualifier
from ._base import SpanFinder
from ._extensions import FIGURES_KEY, TIMES_KEY
from ._figure_context import claimant, clause, date_of
from ._figure_words import FigureLexicon, MetricWord, load_figure_words
from ._number_phrases import NumberPhrase, number_phrases, phrase_root

DEFAULT_NAME = "sitroom_figures"
SPAN_LABEL = "FIGURE"
# Entity types whose numbers are never counts of people or things. Not QUANTITY, MONEY or
# PERCENT: spaCy calls "two bridges" a quantity and "6 million refugees" money; measures,
# currencies and percentages are found by their own words instead.
NOT_COUNT_ENTS = frozenset({"ORDINAL", "TIME"})
NOT_COUNT_AFTER = frozenset({"%", "percent", "per", "pc", "year", "years", "-year", "year-old"})
SUBCOUNT_WORDS = frozenset({"including", "among"})
PARTITIVE_WORDS = frozenset({"them", "whom"})
AMONG_WORDS = frozenset({"among", "amongst"})
NOT_COUNT_PREPOSITIONS = frozenset({"for", "after", "within"})
PLACE_PREPOSITIONS = frozenset({"across", "around", "in", "inside", "into", "near", "outside"})
# Grammatical relations through which a counted noun hangs on the verb that says what happened.
PREDICATE_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "oprd", "appos"})
COMPLEMENT_DEPS = frozenset({"acomp", "oprd", "xcomp", "attr"})
MODIFIER_DEPS = frozenset({"amod", "acl", "relcl"})
PHRASAL_DEPS = frozenset({"prt", "prep", "oprd", "dobj"})
# "went missing"; "1,000 people fled the city" (the subject is counted); "a total of 73".
LINKING_VERBS = frozenset({"become", "go", "remain"})
SUBJECT_AFFECTED = frozenset({"flee"})
TOTAL_NOUNS = frozenset({"sum", "tally", "total"})
# Fleeing across a border or abroad makes refugees, not internally displaced people.
REFUGEE_CUES = frozenset({"abroad", "border", "borders", "countries"})


@Language.factory(
    DEFAULT_NAME,
    assigns=["doc.spans"],
    requires=["token.dep", "token.lemma"],
    default_config={"spans_key": FIGURES_KEY, "lexicon": {"@misc": "sitroom.figure_words.v1"}},
)
def make_figures(
    nlp: Language, name: str, spans_key: str, lexicon: FigureLexicon
) -> FigureExtractor:
    """Build the ``sitroom_figures`` component."""
    return FigureExtractor(nlp, name, spans_key=spans_key, lexicon=lexicon)


class FigureExtractor(SpanFinder):
    """Find counts bound to a metric, with qualifier, unit, who, date and claimant.

    DOCS: the module docstring of ``sitroom.extract.figures``.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = DEFAULT_NAME,
        *,
        spans_key: str = FIGURES_KEY,
        lexicon: FigureLexicon | None = None,
    ) -> None:
        super().__init__(name, spans_key)
        self.lexicon = lexicon if lexicon is not None else load_figure_words()

    def find(self, doc: Doc) -> Iterator[Span]:
        """Yield one span per figure, its ``sitroom_figure`` dict filled in."""
        blocked = _covered(doc, doc.spans.get(TIMES_KEY, []))
        previous: Span | None = None
        for phrase in number_phrases(doc, self.lexicon.numbers):
            if self._is_not_count(doc, phrase, blocked):
                continue
            figure = self._figure(doc, phrase) or self._partitive(doc, phrase, previous)
            if figure is not None:
                previous = figure
                yield figure

    def _partitive(self, doc: Doc, phrase: NumberPhrase, total: Span | None) -> Span | None:
        """ "Four people were killed, two of them children": a share of the figure before."""
        following = [t.lower_ for t in doc[phrase.end : phrase.end + 2]]
        if total is None or following not in (["of", "them"], ["of", "whom"]):
            return None
        if total.sent.start != doc[phrase.start].sent.start:
            return None
        end = phrase.end + 2
        who = doc[end] if end < len(doc) and self._is_people(doc[end]) else None
        span = Span(doc, phrase.start, end + 1 if who is not None else end, label=SPAN_LABEL)
        span._.sitroom_figure = {
            **total._.sitroom_figure,
            "value": phrase.number.value,
            "low": None,
            "high": None,
            "qualifier": self._qualifier(doc, phrase)[0].value,
            "unit": None,
            "who": who.text if who is not None else None,
        }
        return span

    def _is_not_count(self, doc: Doc, phrase: NumberPhrase, blocked: set[int]) -> bool:
        """Times, money, percentages, distances, ages, years, codes and "one of the"."""
        tokens = doc[phrase.start : phrase.end]
        if phrase.is_negation:
            return False
        if any(t.i in blocked or t.ent_type_ in NOT_COUNT_ENTS for t in tokens):
            return True
        before = doc[phrase.start - 1] if phrase.start > 0 else None
        after = doc[phrase.end] if phrase.end < len(doc) else None
        if before is not None and (before.is_currency or before.lower_ in ("no", "page")):
            return True
        if after is not None and (after.lower_ in NOT_COUNT_AFTER or after.is_currency):
            return True
        if after is not None and after.lower_ == "of" and tokens[-1].lower_ == "one":
            # "one of the" is no count; "one of them" is a share of the count before
            return doc[after.i + 1 : after.i + 2].text.lower() not in PARTITIVE_WORDS
        value = phrase.number.value
        return value is not None and len(tokens) == 1 and _looks_like_year(tokens[0])

    # --- binding a number to a metric -------------------------------------------------------

    def _figure(self, doc: Doc, phrase: NumberPhrase) -> Span | None:
        root = phrase_root(doc, phrase)
        noun = self._counted_noun(doc, phrase, root)
        if noun is not None and self._is_measure(noun):
            return None  # "10,000 tonnes", "45 kilometres"
        # "137 [people] were killed" hangs on the noun; "[dozens] of lives" on the number
        head = noun if noun is not None and noun.i == root.head.i else root
        metric = self._metric(doc, phrase, head, noun)
        if metric is None:
            return None
        qualifier, start = self._qualifier(doc, phrase)
        end = max(phrase.end, noun.i + 1) if noun is not None else phrase.end
        span = Span(doc, start, end, label=SPAN_LABEL)
        sentence = clause(span)
        span._.sitroom_figure = {
            "metric": metric.value,
            "value": None if phrase.high is not None else phrase.number.value,
            "low": phrase.number.value if phrase.high is not None else None,
            "high": phrase.high,
            "qualifier": qualifier.value,
            "unit": self._unit(noun),
            "who": self._who(noun),
            "date": date_of(doc, span, sentence),
            "claimed_by": claimant(doc, span),
            "sentence": [sentence.start_char, sentence.start_char + len(sentence.text.rstrip())],
        }
        return span

    def _counted_noun(self, doc: Doc, phrase: NumberPhrase, root: Token) -> Token | None:
        """The noun a number counts: "137 [people]", "dozens of [lives]", "no [civilians]"."""
        if root.head.i >= phrase.end and root.dep_ in ("nummod", "quantmod", "det", "amod"):
            return root.head
        if root.head.i >= phrase.end and root.head.i == phrase.end:
            return root.head if root.head.pos_ in ("NOUN", "ADJ") else None
        for child in root.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0]
        return None

    def _metric(
        self, doc: Doc, phrase: NumberPhrase, head: Token, noun: Token | None
    ) -> Metric | None:
        """The metric the parse binds the count to, or None."""
        if head.dep_ == "pobj" and head.head.lower_ in SUBCOUNT_WORDS:
            parent = head.head.head  # "70 targets, including 11 airfields"
            if parent.pos_ in ("NOUN", "PROPN", "NUM") and parent.i != head.i:
                return self._metric(doc, phrase, parent, parent)
        row = self._first(self._event_words(doc, phrase, head, noun), ("event", "block"), noun)
        predicate = _predicate(head)
        if row is None and predicate is not None:  # "crossed the border as refugees"
            row = self._first(_role_nouns(predicate), ("unit",), noun)
        if row is None and noun is not None:  # "150,000 troops", "45,000 refugees"
            row = self._first([noun], ("unit",), noun)
        if row is None and predicate is not None and predicate.pos_ == "NOUN":
            row = self._first([predicate], ("unit",), None)  # "the bodies of 14 fishermen"
        if row is None or row.metric is None:
            return None
        if row.metric is Metric.displaced and _mentions(head.head, REFUGEE_CUES):
            return Metric.refugees
        return row.metric

    def _event_words(
        self, doc: Doc, phrase: NumberPhrase, head: Token, noun: Token | None
    ) -> Iterator[Token | str]:
        """Words that may say what happened to the counted things, nearest first."""
        if noun is not None:
            yield noun
            yield from (c for c in noun.children if c.dep_ in MODIFIER_DEPS)
        else:  # "killed dozens and displaced thousands"
            yield from (c for c in head.children if c.dep_ in MODIFIER_DEPS and c.i < head.i)
        if phrase.end < len(doc) and (noun is None or noun.i < phrase.start):
            yield doc[phrase.end]  # "45 dead", "120 injured"
        predicate = _predicate(head)
        if predicate is None:
            return
        yield from _phrasal(predicate, noun)  # "shot down", "lost their lives"
        acted = predicate.lemma_.lower() not in SUBJECT_AFFECTED
        if acted and head.dep_ == "nsubj" and any(c.dep_ == "dobj" for c in predicate.children):
            return  # the count is who acted: "6 gunmen killed 20 people"
        if head.dep_ == "pobj" and head.head.lower_ != "of":
            # "the toll rose to 212": the subject says what is counted; "died at 79" is an age
            yield from (c for c in predicate.children if c.dep_ in ("nsubj", "nsubjpass"))
            yield from (m for c in predicate.children if c.dep_ == "nsubj" for m in _modifiers(c))
            return
        yield predicate
        for child in predicate.children:
            if child.dep_ in COMPLEMENT_DEPS or (
                child.dep_ == "advcl" and predicate.lemma_.lower() in LINKING_VERBS
            ):
                yield child  # "are missing", "forced ... to flee", "went missing"
            elif child.dep_ == "prep" and child.lower_ in AMONG_WORDS:
                for listed in (c for c in child.children if c.dep_ == "pobj"):
                    yield listed  # "among the dead"
                    yield from (c for c in listed.children if c.dep_ in MODIFIER_DEPS)

    def _first(
        self, words: Iterable[Token | str], roles: tuple[str, ...], noun: Token | None
    ) -> MetricWord | None:
        """The first row of ``roles`` among ``words`` that fits what is counted."""
        person = noun is not None and self._is_people(noun)
        for word in words:
            for key in _keys(word):
                rows = [r for r in self.lexicon.metric_words(key) if r.role in roles]
                found = _fitting(rows, noun is None, person)
                if found is not None:
                    return found
        return None

    def _qualifier(self, doc: Doc, phrase: NumberPhrase) -> tuple[Qualifier, int]:
        if phrase.high is not None:
            start = phrase.start
            if start > 0 and doc[start - 1].lower_ in ("between", "from"):
                start -= 1
            return Qualifier.range, start
        if phrase.number.vague:
            return Qualifier.vague, phrase.start
        before = [t.text for t in doc[max(0, phrase.start - 3) : phrase.start]]
        found = self.lexicon.numbers.qualifier(before)
        if found is None:
            return Qualifier.exact, phrase.start
        return found[0], phrase.start - found[1]

    def _is_measure(self, noun: Token) -> bool:
        return noun.lower_ in self.lexicon.numbers["measure"]

    def _is_people(self, noun: Token) -> bool:
        return noun.lemma_.lower() in self.lexicon.people or noun.lower_ in self.lexicon.people

    def _unit(self, noun: Token | None) -> str | None:
        """What is counted ("people", "targets"), unless the noun says what happened ("dead")."""
        if noun is None or noun.pos_ == "PRON":  # "93 of them"
            return None
        if _is_event(self.lexicon.metric_words(noun.lemma_.lower())):
            return None
        return noun.lower_

    def _who(self, noun: Token | None) -> str | None:
        """A category of people: the counted noun ("civilians"), or what "including" lists."""
        if noun is None:
            return None
        if self.lexicon.people.get(noun.lemma_.lower()):
            compounds = [c for c in noun.children if c.dep_ == "compound" and c.i < noun.i]
            return noun.doc[compounds[0].i if compounds else noun.i : noun.i + 1].text
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ in SUBCOUNT_WORDS:
                listed = [c for c in child.children if c.dep_ == "pobj"]
                if (
                    listed
                    and self._is_people(listed[0])
                    and not any(t.like_num for t in listed[0].subtree)
                ):
                    objects = listed[0]
                    return noun.doc[objects.left_edge.i : objects.right_edge.i + 1].text
        return None


def _is_event(rows: tuple[MetricWord, ...]) -> bool:
    return any(row.role == "event" for row in rows)


def _keys(word: Token | str) -> tuple[str, ...]:
    """Lookup keys: a phrase, or a token's lemma and, unless it is a verb with an object, its
    form ("are missing", "dead"; not "missing the last five races")."""
    if isinstance(word, str):
        return (word,)
    if word.pos_ == "VERB" and any(c.dep_ == "dobj" for c in word.children):
        return (word.lemma_.lower(),)
    return (word.lemma_.lower(), word.lower_)


def _fitting(rows: list[MetricWord], bare: bool, person: bool) -> MetricWord | None:
    """The row for a count of people, of things or of an unknown noun (a bare number fits any).

    People words are listed, things are not: an unlisted noun takes a ``things`` row when the
    word has one ("lost 30 vehicles"), else a ``people`` row ("arrested 80 demonstrators").
    """
    if bare:
        return rows[0] if rows else None
    wanted = ("any", "people") if person else ("any", "things")
    for row in rows:
        if row.applies in wanted:
            return row
    if not person:
        return next((row for row in rows if row.applies == "people"), None)
    return None


def _covered(doc: Doc, spans: Iterable[Span]) -> set[int]:
    return {i for span in spans for i in range(span.start, span.end)}


def _predicate(head: Token) -> Token | None:
    """The word a counted noun hangs on: its verb, or the verb of "rose to 212"."""
    while head.dep_ == "conj" and head.head != head:
        head = head.head
    if head.dep_ in PREDICATE_DEPS:
        return head.head
    if head.dep_ == "pobj" and head.head.dep_ in ("prep", "agent"):
        preposition = head.head
        if preposition.lower_ in NOT_COUNT_PREPOSITIONS:
            return None  # "jailed for 10": a duration
        if preposition.lower_ == "of" and preposition.head.lemma_.lower() in TOTAL_NOUNS:
            return _predicate(preposition.head)
        if preposition.lower_ in PLACE_PREPOSITIONS and head.pos_ != "NUM":
            return None  # "evacuated the wounded in two towns": where, not what
        # on a verb ("rose to 212"), or a noun's "of" ("the arrest of 16"), not "the wounded in
        # the two towns"
        if preposition.head.pos_ in ("VERB", "AUX") or preposition.lower_ == "of":
            return preposition.head
    return None


def _role_nouns(verb: Token) -> Iterator[Token]:
    """The nouns of "as ..." on a verb: "fled as refugees"."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ == "as":
            yield from (c for c in child.children if c.dep_ == "pobj")


def _phrasal(verb: Token, counted: Token | None = None) -> Iterator[str]:
    """ "shoot down", "take prisoner", "lose life": the verb with a particle or object (not
    the counted noun: "lost 30 homes" is no "lose home")."""
    for child in verb.children:
        if child.dep_ in PHRASAL_DEPS and (counted is None or child.i != counted.i):
            yield f"{verb.lemma_.lower()} {child.lower_}"
            if child.lemma_.lower() != child.lower_:
                yield f"{verb.lemma_.lower()} {child.lemma_.lower()}"


def _modifiers(noun: Token) -> Iterator[Token]:
    """Compounds of a noun and what its "of" phrase says: "number of people detained"."""
    for child in noun.children:
        if child.dep_ == "compound":
            yield child
        elif child.dep_ == "prep" and child.lower_ == "of":
            for counted in child.children:
                if counted.dep_ == "pobj":
                    yield counted
                    yield from (c for c in counted.children if c.dep_ in MODIFIER_DEPS)


def _mentions(token: Token, words: frozenset[str]) -> bool:
    return any(t.lower_ in words for t in token.subtree)


def _looks_like_year(token: Token) -> bool:
    """A bare four-digit number from 1800 to 2100 without a comma is a year, not a count."""
    return token.text.isdigit() and len(token.text) == 4 and 1800 <= int(token.text) <= 2100
