"""Find cued statements in a parsed ``Doc``: the cue, its speaker token and its content span."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Token

from ._quotes import Quote
from ._speakers import Speaker, SpeakerResolver
from ._statement_channels import channel_of, cue_end, is_aside, token_end
from ._statement_subjects import cue_subject, may_speak, share_speaker, source_span
from ._statement_words import SPEECH, StatementWords

_CONTENT_DEPS = frozenset({"dobj", "prep", "dative", "attr", "oprd", "xcomp", "acomp", "pcomp"})
_INVERTED_DEPS = frozenset({"parataxis", "ccomp"})
_SUBJECT_DEPS = frozenset({"nsubj"})
_EDGE_PUNCT = " \t\n,;:.–—-"
_QUOTE_GAP = " \t,;:–—-"  # what may separate a quotation from the clause reporting it
_QUESTION_WORDS = frozenset({"whether", "if", "why", "how", "what", "when", "where", "who"})
_DANGLING = frozenset({"and", "or", "but", "while", "as"})
_COORDINATORS = frozenset({"and", "but"})
_OPENING_MARKS = "\"'“‘«—–-"
_INVERSION_MARKS = ",;:\"'”’—–-"  # what ends a clause reported before its speaker
MIN_LEAD_WORDS = 2
"""Words a sentence must hold before a quotation for them to join the statement."""
MIN_QUOTE_WORDS = 4
"""Words a quotation before a cue needs to be its content when a clause follows the cue."""
MAX_QUOTE_GAP = 3
"""Characters a quotation may end before the sentence of the clause that reports it."""


@dataclass
class Found:
    """One statement before it becomes a span: content offsets and attribution."""

    start: int
    end: int
    kind: str
    speaker: Speaker | None
    cue_start: int | None
    cue_end: int | None
    stance: str
    channel: str | None
    cue_text: str | None = None
    same_as: tuple[int, int] | None = None
    mode: str = "speech"  # speech, thought ("believes", "wants") or perception ("saw")
    source: tuple[int, int] | None = None  # the source phrase as written here ("who", "he")

    def as_dict(self) -> dict[str, Any]:
        """The ``sitroom_statement`` extension value."""
        speaker = self.speaker
        return {
            "kind": self.kind,
            "speaker": speaker.name if speaker else None,
            "speaker_type": speaker.type if speaker else "unknown",
            "speaker_entity": speaker.entity if speaker else None,
            "cue": self.cue_text,
            "stance": self.stance,
            "channel": self.channel,
            "cue_start": self.cue_start,
            "cue_end": self.cue_end,
            "speaker_start": speaker.start if speaker else None,
            "speaker_end": speaker.end if speaker else None,
            "same_as": self.same_as,
            "mode": self.mode,
            "source_start": self.source[0] if self.source else None,
            "source_end": self.source[1] if self.source else None,
        }


def find_statements(
    doc: Doc,
    quotes: list[Quote],
    inside: bytearray,
    resolver: SpeakerResolver,
    words: StatementWords,
) -> list[Found]:
    """Every cue of ``doc`` outside quotations that has a speaker and a content."""
    found: list[Found] = []
    used: set[Quote] = set()
    text = resolver.text  # Doc.text joins every token: the resolver read it once
    sentences = _sentence_bounds(doc)
    for token in doc:
        if inside[token.i]:
            continue
        if token.lower_ == "according" and _according(doc, text, sentences, token, found, resolver):
            continue
        if token.pos_ != "VERB":
            continue
        particles = [c.lower_ for c in token.children if c.dep_ in ("prt", "prep")]
        stance = words.stance(token.lemma_.lower(), particles)
        if stance is None:
            continue
        subject = cue_subject(token, inside)
        outer = _outer_cue(token, words)
        if outer is not None:
            # "said the town was safe and denied ...": the sayer denies
            subject = cue_subject(outer, inside)
        if subject is None:
            continue
        content = _content(doc, text, sentences, token, subject, quotes, used, words)
        if content is None:
            continue
        start, end, kind = content
        speaker = resolver.speaker(subject)
        if speaker is None or speaker.type == "unknown":
            speaker = share_speaker(subject, resolver, words) or speaker
        if token.lemma_.lower() in words.speaker_only and not may_speak(speaker, subject, words):
            continue  # "an invasion that claimed dozens of lives", "data suggest"
        mode = words.mode(token.lemma_.lower(), particles)
        if mode == SPEECH and _is_question(doc, start, token):
            # "asked whether ...", "explained why ...": asks, claims nothing, and no stance of
            # the contract says "asked"
            continue
        cue_stop = cue_end(token, words)
        channel = channel_of(text, token, words)
        found.append(
            Found(start, end, kind, speaker, token.idx, cue_stop, stance, channel,
                  text[token.idx : cue_stop], mode=mode, source=source_span(subject))
        )  # fmt: skip
    return found


def _is_question(doc: Doc, start: int, cue: Token) -> bool:
    """True when the content after ``cue`` is an indirect question ("asked whether the deal
    held", "explained how it works"): its question word belongs to the reported clause itself,
    not to a clause inside it ("said when prices rise, sales fall" reports a claim)."""
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None or span[0].i <= cue.i or span[0].lower_ not in _QUESTION_WORDS:
        return False
    word = span[0]
    return cue.i in (word.head.i, word.head.head.i)


def _is_cue(token: Token, words: StatementWords) -> bool:
    if token.pos_ != "VERB":
        return False
    particles = [c.lower_ for c in token.children if c.dep_ in ("prt", "prep")]
    return words.stance(token.lemma_.lower(), particles) is not None


def _outer_cue(token: Token, words: StatementWords) -> Token | None:
    """For a subjectless cue coordinated inside another cue's complement, or a participle cue
    hung on that complement ("said the plan failed, noting ..."), that other cue."""
    head = token.head
    participle = token.tag_ == "VBG" and token.dep_ == "advcl"
    if token.dep_ != "conj" and not participle:
        return None
    if any(c.dep_ in _SUBJECT_DEPS for c in token.children):
        return None
    if head.dep_ == "ccomp" and _is_cue(head.head, words):
        return head.head
    return None


def _content(
    doc: Doc,
    text: str,
    sentences: list[tuple[int, int]],
    cue: Token,
    subject: Token,
    quotes: list[Quote],
    used: set[Quote],
    words: StatementWords,
) -> tuple[int, int, str] | None:
    """The reported content of ``cue`` as (start, end, kind), or None when it has none."""
    sent_start, sent_end = sentences[cue.i]
    complement = [c for c in cue.children if c.dep_ == "ccomp"]
    # 'On "Fox News Sunday," Roe said the talks failed': a clause after the cue is what was
    # said; a short quotation before it is a title, not a quote of the speaker
    shortest = MIN_QUOTE_WORDS if any(c.i > cue.i for c in complement) else 0
    clause_start = min(cue.idx, subject.left_edge.idx)
    before = _quote_before(text, sent_start, clause_start, quotes, used, shortest)
    if before is not None:
        return before
    right = [c for c in cue.rights if c.dep_ in _CONTENT_DEPS and not is_aside(c, words)]
    if complement:
        start, end = _subtree_bounds(complement)
        cut = [
            c.idx for r in complement for c in r.rights if c.dep_ == "conj" and _is_cue(c, words)
        ]
        cut.extend(_participle_cues(doc, text, start, end, words))
        if cut and min(cut) > start:  # "... and denied": the coordinated cue says the rest
            end = min(cut)
        else:
            end = _coordinated_end(text, cue, complement[-1], end, words)
    elif _is_inverted(cue, subject, right, words):
        # "Rebels are approaching, the army said": the head clause is the content
        start = sent_start
        end = subject.left_edge.idx if subject.i < cue.i else cue.idx
        if text[start:end].rstrip()[-1:] not in _INVERSION_MARKS:
            return None  # "Jo said she heard people say": no comma, so not an inversion
        if cue.dep_ == "ROOT" and not _is_main_clause(doc, start, end):
            return None  # "After the vote, the minister said": no claim before the comma
    else:
        after = _quote_after(doc, text, sent_end, cue, quotes, used)
        if after is not None:
            used.add(after)
            return after.start, after.end, "direct"
        particles = words.particles_of(cue.lemma_.lower())
        if cue.lemma_.lower() in words.clause_only and not any(c.dep_ == "xcomp" for c in right):
            return None  # "added 0.3 per cent", "tell Obama": no clause, nothing reported
        if all(c.dep_ == "prep" and c.lower_ not in particles for c in right):
            return None  # "responded to questions": a topic, not what was said
        start, end = _subtree_bounds(right)
    start, end = _trim(text, start, end)
    if end <= start:
        return None
    return _with_quotes(text, start, end, quotes, used)


def _is_inverted(cue: Token, subject: Token, right: list[Token], words: StatementWords) -> bool:
    """True when the cue closes its sentence after the reported clause: the parser hung the
    cue on that clause ("Rebels are approaching, the army said") or, taking the cue for the
    main verb, left it with nothing to its right but a phrase ("..., Roe writes in a book")."""
    if not right and cue.dep_ in _INVERTED_DEPS:
        return True
    if cue.dep_ != "ROOT" or not 0 < subject.i < cue.i or cue.nbor(-1).is_punct:
        return False
    particles = words.particles_of(cue.lemma_.lower())  # "called for X": X is what was said
    return all(c.dep_ == "prep" and c.lower_ not in particles for c in right)


def _is_main_clause(doc: Doc, start: int, end: int) -> bool:
    """True when ``start:end`` holds a verb and opens as a main clause, not as an adverbial
    one ("When the vote failed, ...", "Speaking to students, ...") that sets the scene."""
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None or not any(t.pos_ in ("VERB", "AUX") for t in span):
        return False
    first = next((t for t in span if t.pos_ not in ("CCONJ", "PUNCT")), span[0])
    return first.pos_ not in ("SCONJ", "ADP") and first.tag_ not in ("VBG", "VBN")


def _quote_before(
    text: str,
    sent_start: int,
    clause_start: int,
    quotes: list[Quote],
    used: set[Quote],
    shortest: int = 0,
) -> tuple[int, int, str] | None:
    """'"...," he said': a quotation ending right before the reporting clause (it may end the
    sentence before: '"Why?" she asked'), with the words that open its sentence; a quotation
    of fewer than ``shortest`` words does not count."""
    for quote in quotes:
        if quote in used or quote.end > clause_start or quote.end < sent_start - MAX_QUOTE_GAP:
            continue
        if len(text[quote.start : quote.end].split()) < shortest:
            continue
        if text[quote.end : clause_start].strip(_QUOTE_GAP) == "":
            used.add(quote)
            lead = _lead_in(text, sent_start, quote.start)
            if lead is not None:  # 'Talks were "a farce," she said': the clause is hers too
                return _with_quotes(text, lead, quote.end, quotes, used)
            return quote.start, quote.end, "direct"
    return None


def _lead_in(text: str, sent_start: int, quote_start: int) -> int | None:
    """Start of the words that open a sentence before a quotation ('Talks were "a farce,"'),
    or None when the quotation opens the sentence."""
    start = sent_start
    while start < quote_start and (text[start].isspace() or text[start] in _OPENING_MARKS):
        start += 1
    lead = text[start:quote_start]
    if len(lead.split()) < MIN_LEAD_WORDS or "\n" in lead:
        return None
    return start


def _participle_cues(doc: Doc, text: str, start: int, end: int, words: StatementWords) -> list[int]:
    """Where a participle cue after a comma opens its own statement inside a complement ("said
    talks stalled, adding that ..."): the comma's offset, so the content ends before it."""
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None:
        return []
    return [
        t.nbor(-1).idx
        for t in span[1:]
        if t.tag_ == "VBG" and t.dep_ == "advcl" and t.nbor(-1).text == "," and _is_cue(t, words)
    ]


def _coordinated_end(
    text: str, cue: Token, complement: Token, end: int, words: StatementWords
) -> int:
    """Extend the content over a clause coordinated with it ("said talks had stalled, but a
    deal was close"): spaCy often hangs it on the cue; a new cue ("and denied") says its own."""
    for child in cue.rights:
        if child.dep_ != "conj" or child.i <= complement.right_edge.i or _is_cue(child, words):
            continue
        if not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in child.children):
            continue
        gap = text[end : child.left_edge.idx].strip(" ,").lower()
        if gap in _COORDINATORS or (not gap and child.left_edge.lower_ in _COORDINATORS):
            return token_end(child.right_edge)
        return end
    return end


def _with_quotes(
    text: str, start: int, end: int, quotes: list[Quote], used: set[Quote]
) -> tuple[int, int, str]:
    """Widen the content over the quotations it touches; direct when it is only quotation."""
    touched = [q for q in quotes if q.start < end and start < q.end]
    if not touched:
        return start, end, "indirect"
    used.update(touched)
    start, end = min(start, touched[0].start), max(end, touched[-1].end)
    outside = text[start:end]
    for quote in reversed(touched):
        outside = outside[: quote.start - start] + outside[quote.end - start :]
    rest = [w for w in outside.split() if w.strip(",.;:") and w.lower() != "that"]
    return start, end, "mixed" if rest else "direct"


def _quote_after(
    doc: Doc, text: str, sent_end: int, cue: Token, quotes: list[Quote], used: set[Quote]
) -> Quote | None:
    """A quotation after the cue in its sentence with no other verb between ("said: '...'")."""
    for quote in quotes:
        if quote in used or quote.start < cue.idx or quote.start >= sent_end:
            continue
        end = cue.idx + len(cue.text)
        between = doc.char_span(end, quote.start, alignment_mode="contract")
        if between is not None and any(t.pos_ == "VERB" for t in between):
            return None
        gap = text[end : quote.start].strip() if between is not None and len(between) else ""
        # 'said: "..."', 'said of the plan: "..."'; not 'objected to the "three-peat"'
        if not gap or gap[-1] in ":,–—" or (between is not None and len(between) <= 2):
            return quote
        return None
    return None


def _according(
    doc: Doc,
    text: str,
    sentences: list[tuple[int, int]],
    token: Token,
    found: list[Found],
    resolver: SpeakerResolver,
) -> bool:
    """ "According to X, ...": X speaks the rest of the sentence."""
    to = next((c for c in token.children if c.lower_ == "to"), None)
    if to is None and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
        to = doc[token.i + 1]
    source = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
    if source is None:
        return False
    phrase_end = max(t.idx + len(t.text) for t in source.subtree)
    sent_start, sent_end = sentences[token.i]
    if token.idx - sent_start <= 1:
        start, end = phrase_end, sent_end
    elif _is_fragment(doc, sent_start, token.i):
        # "The result, according to the survey, is 352 missing": an aside inside the claim
        start, end = sent_start, sent_end
    else:
        start, end = sent_start, token.idx
    start, end = _trim(text, start, end)
    if end <= start:
        return False
    speaker = resolver.speaker(source)
    cue_end = source.idx if to is None else to.idx + len(to.text)
    found.append(
        Found(start, end, "indirect", speaker, token.idx, cue_end, "assert", None,
              text[token.idx : cue_end], source=source_span(source))
    )  # fmt: skip
    return True


def _is_fragment(doc: Doc, sent_start: int, stop: int) -> bool:
    """True when the words of the sentence before token ``stop`` hold no verb."""
    first = doc.char_span(sent_start, doc[stop].idx, alignment_mode="contract")
    return first is not None and not any(t.pos_ in ("VERB", "AUX") for t in first)


def _sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start_char, end_char) of the sentence of each token, by token index."""
    bounds: list[tuple[int, int]] = []
    for sent in doc.sents:
        bounds.extend([(sent.start_char, sent.end_char)] * len(sent))
    return bounds


def _subtree_bounds(tokens: list[Token]) -> tuple[int, int]:
    first = min(t.left_edge.i for t in tokens)
    last = max(t.right_edge.i for t in tokens)
    doc = tokens[0].doc
    return doc[first].idx, doc[last].idx + len(doc[last].text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop edge punctuation and a dangling coordinator ("... safe and")."""
    while True:
        while start < end and text[start] in _EDGE_PUNCT:
            start += 1
        while end > start and text[end - 1] in _EDGE_PUNCT:
            end -= 1
        word = text[start:end].rsplit(None, 1)
        if len(word) == 2 and word[1].lower() in _DANGLING:
            end = start + len(word[0])
            continue
        return start, end
