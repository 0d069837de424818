"""Who did what to whom, and whether it happened: the parse around an event trigger.

``actor`` and ``target`` read the trigger's dependents (subject, object, passive agent, the
possessive of a noun, the subject of a light verb such as "launched an attack"), follow
coordination ("the United States and its allies") and take the canonical entity name when a
Sitroom entity covers the word. ``modality`` says whether the trigger is negated, future or
conditional.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping

from spacy.tokens import Doc, Span, Token

from ._extensions import ENTITIES_KEY

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
OBJECT_DEPS = frozenset({"dobj"})
TARGET_PREPOSITIONS = frozenset({"against", "on", "upon", "with", "into", "at"})
AIMED_PREPOSITIONS = frozenset({"against", "on", "upon"})
MOBILIZED_AGAINST = AIMED_PREPOSITIONS | {"toward", "towards"}
NOMINAL_TARGET_PREPOSITIONS = frozenset({"against", "on", "of", "upon", "with", "over"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
FUTURE_AUX = frozenset({"will", "would", "shall", "'ll", "could", "might", "may"})
LIGHT_PREPOSITIONS = frozenset({"after", "during", "in", "into", "on", "with"})
QUANTITY_NOUNS = frozenset(
    {"dozen", "group", "hundred", "kg", "member", "number", "score", "thousand", "ton", "tonne"}
)
OBLIGATION_AUX = frozenset({"must", "should"})
# Words whose infinitive complement is a plan, an offer or a readiness, not a fact.
INTENT_HEADS = frozenset(
    {
        "aim",
        "expect",
        "go",
        "hope",
        "intend",
        "offer",
        "plan",
        "prepare",
        "prepared",
        "committed",
        "determined",
        "promise",
        "ready",
        "seek",
        "threaten",
        "vow",
        "want",
        "willing",
    }
)
# Words whose infinitive complement did not or will not happen: "refused to withdraw".
REFUSAL_HEADS = frozenset({"decline", "fail", "refuse", "reject"})
CONDITION_MARKS = frozenset({"if", "unless"})
NEGATIVE_SUBJECTS = frozenset({"nobody", "none", "no one", "neither"})
NOT_PARTICIPANT_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY"})
MODIFIER_DEPS = frozenset({"compound", "amod", "poss"})
CLAUSE_DEPS = frozenset({"xcomp", "ccomp", "advcl", "conj", "relcl", "acl", "pcomp", "acomp"})


def entity_names(doc: Doc) -> dict[int, str]:
    """Token index -> canonical name of the Sitroom entity covering it."""
    names: dict[int, str] = {}
    for span in doc.spans.get(ENTITIES_KEY, []):
        name = span._.sitroom_entity_name or span.text
        for i in range(span.start, span.end):
            names[i] = name
    return names


def phrase(token: Token, names: Mapping[int, str]) -> str | None:
    """A participant's name: its entity, else the noun with its compounds and adjectives."""
    if token.pos_ == "PRON" or token.ent_type_ in NOT_PARTICIPANT_ENTS:
        return None
    if token.i in names:
        return names[token.i]
    left = [c.left_edge.i for c in token.children if c.dep_ in MODIFIER_DEPS and c.i < token.i]
    return token.doc[min(left, default=token.i) : token.i + 1].text


def participants(token: Token | None, names: Mapping[int, str]) -> str | None:
    """The name of ``token`` and of every word coordinated with it, joined with "; "."""
    if token is None:
        return None
    found: list[str] = []
    for word in [token, *_conjuncts(token)]:
        name = phrase(word, names)
        if name and name not in found:
            found.append(name)
    return "; ".join(found) or None


def verbal_roles(trigger: Token, *, recipient: bool = False) -> tuple[Token | None, Token | None]:
    """(actor, target) of a verb: active, passive with "by", and borrowed subjects. With
    ``recipient`` (giving, offering), the target is who receives: "gave Y a grant", "sent
    arms to Y"."""
    actor = _child(trigger, SUBJECT_DEPS)
    target = _child(trigger, OBJECT_DEPS)
    receiver = _receiver(trigger) if recipient else None
    patient = _child(trigger, frozenset({"nsubjpass"}))
    if patient is not None:
        target = patient
        agent = _child(trigger, frozenset({"agent"}))
        actor = _child(agent, frozenset({"pobj"})) if agent is not None else None
    elif actor is None:
        actor = _borrowed_subject(trigger)
    elif actor.lower_ in RELATIVE_PRONOUNS and trigger.dep_ == "relcl":
        actor = trigger.head
    actor = _counted(actor) if actor is not None else None  # "members of X": X
    if receiver is None and recipient and target is not None:
        receiver = _prepositional(target, frozenset({"to"}))  # "granted asylum to X"
    if receiver is not None:
        return actor, receiver
    if target is None:
        target = _prepositional(trigger, TARGET_PREPOSITIONS) or _reported_subject(trigger)
    return actor, _counted(target) if target is not None else None


def _receiver(trigger: Token) -> Token | None:
    dative = _child(trigger, frozenset({"dative"}))
    if dative is not None and dative.pos_ == "ADP":
        return _child(dative, frozenset({"pobj"}))
    return dative or _prepositional(trigger, frozenset({"to"}))


def owner(token: Token, names: Mapping[int, str]) -> Token:
    """Whose a common-noun participant is: "the positions of X", "the deputy chief of X" name
    X as the party acted on; an entity or a proper noun stays itself."""
    if token.i in names or token.pos_ != "NOUN":
        return token
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            inner = _child(child, frozenset({"pobj"}))
            if inner is not None and (inner.i in names or inner.pos_ == "PROPN"):
                return inner
    return token


def _reported_subject(trigger: Token) -> Token | None:
    """ "demanded that Y withdraw": the subject of the demanded clause."""
    clause = _child(trigger, frozenset({"ccomp"}))
    return _child(clause, SUBJECT_DEPS | {"nsubjpass"}) if clause is not None else None


def _counted(token: Token) -> Token:
    """What a quantity counts: "scores of refugees", "700 kg of medicine"."""
    quantity = token.like_num or any(c.dep_ == "nummod" for c in token.children)
    if quantity or token.lemma_.lower() in QUANTITY_NOUNS:
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                return _child(child, frozenset({"pobj"})) or token
    return token


def nominal_roles(
    trigger: Token, cues: Collection[int] = (), *, recipient: bool = False
) -> tuple[Token | None, Token | None]:
    """(actor, target) of a noun: "Moscow's offensive", "attack by X on Y", "launched an
    attack" (the light verb's subject). ``cues`` are the token indices of reporting verbs,
    which never lend their subject."""
    actor = _child(trigger, frozenset({"poss"}))
    if actor is not None and actor.pos_ == "PRON":
        actor = None  # "mounted its invasion": the light verb's subject says whose
    if actor is None:
        agent = next((c for c in trigger.children if c.dep_ == "prep" and c.lower_ == "by"), None)
        actor = _child(agent, frozenset({"pobj"})) if agent is not None else None
    verb = _carrier(trigger, cues) if actor is None else None
    if verb is not None:
        actor = _child(verb, SUBJECT_DEPS) or _borrowed_subject(verb)
    if actor is None:  # "a Russian attack": the adjective names the attacker
        actor = next(
            (c for c in trigger.children if c.dep_ in ("amod", "compound") and c.ent_type_),
            None,
        )
    target = nominal_target(trigger, recipient=recipient)
    verb = _carrier(trigger, cues)
    if target is None and verb is not None and trigger.dep_ == "dobj":
        target = _prepositional(verb, AIMED_PREPOSITIONS)  # "carried out strikes on X"
    return actor, target


def _carrier(noun: Token, cues: Collection[int]) -> Token | None:
    """The verb that carries a noun event: "launched an attack", "remained on alert",
    "responded with sanctions"; not a reporting verb ("called the attack a crime")."""
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN":
        noun, head = head.head, head.head.head  # "responded with a barrage of sanctions"
    if noun.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ in LIGHT_PREPOSITIONS:
        head = head.head
    elif noun.dep_ != "dobj":
        return None
    if head.pos_ not in ("VERB", "AUX") or head.i in cues:
        return None
    return head


def modality(trigger: Token) -> str | None:
    """ "negated" (also "refused to", "failed to"), "future" (will, plans, readiness,
    conditions), "obligation" ("X must withdraw": a demand on X) or None for a plain fact."""
    clause = clause_head(trigger)
    words = [trigger, clause] if clause is not trigger else [trigger]
    if any(c.dep_ == "det" and c.lower_ == "no" for c in trigger.children):
        return "negated"  # "we had no warning", "there was no attack"
    for word in words:
        if any(c.dep_ == "neg" for c in word.children):
            return "negated"
        subject = _child(word, SUBJECT_DEPS | {"nsubjpass"})
        if subject is not None and subject.lower_ in NEGATIVE_SUBJECTS:
            return "negated"
    future = False
    for word in _up_clauses(clause):
        if word.dep_ == "xcomp" and word.head.lemma_.lower() in REFUSAL_HEADS:
            return "negated"
        # "must be ready to mediate" is a demand first: an obligation wins over a plan
        if any(c.dep_ == "aux" and c.lower_ in OBLIGATION_AUX for c in word.children):
            return "obligation"
        future = future or _is_future(word)
    return "future" if future else None


def _is_future(word: Token) -> bool:
    """True for a clause with "will", a condition ("if"), or the infinitive of a plan."""
    if any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX for c in word.children):
        return True
    if any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in word.children):
        return True
    return word.dep_ == "xcomp" and word.head.lemma_.lower() in INTENT_HEADS


def clause_head(trigger: Token) -> Token:
    """The verb a noun trigger belongs to ("launched" for "launched an attack", "responded
    with sanctions"), else the trigger itself."""
    if trigger.pos_ not in ("NOUN", "PROPN"):
        return trigger
    head = trigger.head
    if trigger.dep_ == "pobj" and head.dep_ == "prep":
        head = head.head
    elif trigger.dep_ not in ("dobj", "nsubj", "nsubjpass", "attr"):
        return trigger
    return head if head.pos_ in ("VERB", "AUX") and head.i != trigger.i else trigger


def _up_clauses(token: Token) -> Iterator[Token]:
    """The clause and the clauses it is an infinitive or condition of (not reported speech)."""
    seen = 0
    while seen < 4:
        yield token
        if token.dep_ not in ("xcomp", "conj", "advcl", "acomp") or token.head.i == token.i:
            return
        token = token.head
        seen += 1


def _borrowed_subject(verb: Token) -> Token | None:
    """The subject an infinitive or a coordinated verb shares: "ordered X to go", "and hit"."""
    for _ in range(4):
        if verb.dep_ not in CLAUSE_DEPS or verb.head.i == verb.i:
            return None
        parent = verb.head
        if verb.dep_ in ("acl", "relcl") and parent.pos_ in ("NOUN", "PROPN"):
            if verb.tag_ in ("VBG", "VBN") or verb.dep_ == "relcl":
                return parent  # "troops attacking the city"
            verb = parent.head  # "defied warnings to unleash X": the subject of "defied"
            if parent.dep_ not in ("dobj", "pobj", "attr") or verb.pos_ not in ("VERB", "AUX"):
                return None
            subject = _child(verb, SUBJECT_DEPS)
            if subject is not None:
                return subject
            continue
        if verb.dep_ == "xcomp":
            obj = _child(parent, OBJECT_DEPS)
            if obj is not None:
                return obj
        subject = _child(parent, SUBJECT_DEPS)
        if subject is not None:
            return subject
        verb = parent
    return None


def nominal_target(token: Token, *, recipient: bool = False) -> Token | None:
    """The target a noun names with "on", "against", "of" ("sanctions on X"); with
    ``recipient``, also with "to" ("military aid to X")."""
    found = _prepositional(token, NOMINAL_TARGET_PREPOSITIONS)
    if found is None and recipient:
        found = _prepositional(token, frozenset({"to"}))
    return found


def aimed_at(trigger: Token, cues: Collection[int] = ()) -> Token | None:
    """Whom a show of force is aimed at: "massed troops against X", "a build-up on X's
    border" (never what is moved: the deployed troops are the MOBILIZE event's means)."""
    verb = _carrier(trigger, cues) if trigger.pos_ in ("NOUN", "PROPN") else None
    obj = _child(trigger, OBJECT_DEPS)  # "massed tanks against X" hangs it on the tanks
    for word in (trigger, verb, obj):
        found = _prepositional(word, MOBILIZED_AGAINST) if word is not None else None
        if found is not None:
            return found
    return None


def phrase_target(verb: Token, obj: Token) -> Token | None:
    """The target of a verb made one trigger with its object: "took control of X", "opened
    fire on X", "set fire to X"."""
    prepositions = TARGET_PREPOSITIONS | {"of", "to"}
    return _prepositional(obj, prepositions) or _prepositional(verb, prepositions)


def asked_of(trigger: Token) -> Token | None:
    """Whom a demand is made of: "demanded support from X" (on the verb or its object)."""
    obj = _child(trigger, OBJECT_DEPS)
    for word in (trigger, obj) if obj is not None else (trigger,):
        found = _prepositional(word, frozenset({"from"}))
        if found is not None:
            return found
    return None


def _prepositional(token: Token, prepositions: frozenset[str]) -> Token | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in prepositions:
            found = _child(child, frozenset({"pobj"}))
            if found is not None and found.ent_type_ not in NOT_PARTICIPANT_ENTS:
                return found
    return None


def _child(token: Token, deps: frozenset[str]) -> Token | None:
    return next((c for c in token.children if c.dep_ in deps), None)


def _conjuncts(token: Token) -> list[Token]:
    return [t for t in token.conjuncts if t.i > token.i]


def sentence_of(token: Token) -> Span:
    """The sentence holding ``token`` (the whole doc when there are no sentence bounds)."""
    return token.sent if token.doc.has_annotation("SENT_START") else token.doc[:]
