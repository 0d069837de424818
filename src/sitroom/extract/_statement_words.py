"""The word lists statements read: reporting verbs with stance, speaker nouns, channels, outlets.

``reporting_verbs.tsv`` columns: lemma, particle ("-" for none), stance, subject (``speaker``: the
verb has other senses, so the subject must be a known kind of speaker), content (``clause``: only
a clause, a quotation or a "to" infinitive is reported) and mode (speech, thought, perception).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

VERBS_FILE = "reporting_verbs.tsv"
DESCRIPTIONS_FILE = "speaker_descriptions.tsv"
CHANNELS_FILE = "channels.tsv"
OUTLETS_FILE = "outlets.txt"
DOCUMENTS_FILE = "speaker_documents.txt"
FIRST_NAMES_FILE = "first_names.tsv"
TEASERS_FILE = "teaser_labels.txt"
PLACE_NOUNS_FILE = "speaker_places.tsv"
SHARES_FILE = "speaker_shares.txt"
NO_PARTICLE = "-"
SPEECH = "speech"
MODES = frozenset({SPEECH, "thought", "perception"})


@dataclass(frozen=True)
class Description:
    """What a speaker noun ("ministry", "spokesman") says about its referent."""

    speaker_type: str
    group: str  # nouns of one group may denote the same speaker ("army", "military")


@dataclass(frozen=True)
class StatementWords:
    """Lexicons for cue, stance, speaker and channel detection (lower-case keys)."""

    verbs: dict[tuple[str, str], str]  # (lemma, particle or "-") -> stance
    speaker_only: frozenset[str]  # verbs with non-speech senses: need a known kind of speaker
    clause_only: frozenset[str]  # verbs that report only a clause or quote ("added 0.3 per cent")
    descriptions: dict[str, Description]
    channels: frozenset[str]  # nouns: "on Facebook", "in a televised address"
    channel_verbs: frozenset[str]  # verbs that are a channel themselves: "tweeting"
    outlets: frozenset[str]
    documents: frozenset[str] = frozenset()  # "report", "statement": speak for their author
    first_names: dict[str, str] = field(default_factory=dict)  # "jane" -> "f", for he/she
    modes: dict[tuple[str, str], str] = field(default_factory=dict)  # -> speech|thought|...
    teasers: frozenset[str] = frozenset()  # "read more": a line linking another story
    place_nouns: dict[str, frozenset[str]] = field(default_factory=dict)  # "city" -> kinds
    shares: frozenset[str] = frozenset()  # "majority", "percent": a share of speakers speaks

    def stance(self, lemma: str, particles: list[str]) -> str | None:
        """The stance of a reporting verb, preferring a (lemma, particle) row ("call on")."""
        key = self._key(lemma, particles)
        return None if key is None else self.verbs[key]

    def mode(self, lemma: str, particles: list[str]) -> str:
        """What the cue reports: ``speech`` ("said"), ``thought`` ("believes", "wants") or
        ``perception`` ("saw"); speech for a verb the lexicon does not know."""
        key = self._key(lemma, particles)
        return self.modes.get(key, SPEECH) if key is not None else SPEECH

    def _key(self, lemma: str, particles: list[str]) -> tuple[str, str] | None:
        for particle in particles:
            if (lemma, particle) in self.verbs:
                return lemma, particle
        return (lemma, NO_PARTICLE) if (lemma, NO_PARTICLE) in self.verbs else None

    def particles_of(self, lemma: str) -> frozenset[str]:
        """Particles/prepositions that make ``lemma`` a cue ("on" for "call")."""
        return frozenset(p for (v, p) in self.verbs if v == lemma and p != NO_PARTICLE)


def _rows(name: str) -> list[list[str]]:
    lines = files("sitroom.data").joinpath(name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines[1:] if line.strip()]


@lru_cache(maxsize=1)
def load_statement_words() -> StatementWords:
    """Read the statement lexicons shipped in ``sitroom/data`` (cached)."""
    verb_rows = _rows(VERBS_FILE)
    verbs = {(lemma, particle): stance for lemma, particle, stance, *_ in verb_rows}
    modes = {(row[0], row[1]): row[5] for row in verb_rows}
    speaker_only = frozenset(row[0] for row in verb_rows if row[3] == "speaker")
    clause_only = frozenset(row[0] for row in verb_rows if row[4] == "clause")
    descriptions = {w: Description(t, g) for w, t, g in _rows(DESCRIPTIONS_FILE)}
    channel_rows = _rows(CHANNELS_FILE)
    channels = frozenset(word for word, role in channel_rows if role in ("noun", "both"))
    channel_verbs = frozenset(word for word, role in channel_rows if role in ("verb", "both"))
    outlets = frozenset(row[0].casefold() for row in _rows(OUTLETS_FILE))
    documents = frozenset(row[0].casefold() for row in _rows(DOCUMENTS_FILE))
    first_names = {name.casefold(): gender for name, gender in _rows(FIRST_NAMES_FILE)}
    teasers = frozenset(row[0].casefold() for row in _rows(TEASERS_FILE))
    place_nouns = {noun: frozenset(kinds.split()) for noun, kinds in _rows(PLACE_NOUNS_FILE)}
    return StatementWords(
        verbs,
        speaker_only,
        clause_only,
        descriptions,
        channels,
        channel_verbs,
        outlets,
        documents,
        first_names,
        modes,
        teasers,
        place_nouns,
        frozenset(row[0] for row in _rows(SHARES_FILE)),
    )
