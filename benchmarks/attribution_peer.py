"""Sitroom's statements against textacy's ``direct_quotations`` on the same gold data, same run.

Both systems read the same texts parsed by the same spaCy model; both are scored by
``sitroom.evaluate.attribution`` (GenderGapTracker or PolNeAR metrics, by the folder given).
The run also times the bare spaCy pass and the ``sitroom_statements`` component alone on the
same parsed docs: their ratio is what statements add to the spaCy pass.

    python benchmarks/attribution_peer.py --data ../shared/datasets/attribution/gendergap
    python benchmarks/attribution_peer.py --data ../shared/datasets/attribution/polnear \
        --split dev --peer-path /tmp/peer-textacy --json

textacy 0.13 installs beside spaCy 3.8 but pulls in scipy and scikit-learn; keep it out of the
project venv with ``pip install --no-deps --target DIR textacy==0.13.0 ...`` and pass
``--peer-path DIR``. Without textacy the peer column is reported as missing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from sitroom.evaluate.attribution import (
    PredictedStatement,
    load_attribution_data,
    score_gendergap,
    score_polnear,
)
from sitroom.extract._extensions import STATEMENTS_KEY
from sitroom.pipeline import load_nlp

SITROOM_BEFORE_STATEMENTS = ("sitroom_entities",)


def _ours(docs: list[Doc]) -> list[list[PredictedStatement]]:
    predicted = []
    for doc in docs:
        found = []
        for span in doc.spans.get(STATEMENTS_KEY, []):
            info = span._.sitroom_statement or {}
            # the source phrase as written ("she"), as predict_statements scores it
            source = info.get("source_start"), info.get("source_end")
            if None in source:
                source = info.get("speaker_start"), info.get("speaker_end")
            cue = info.get("cue_start"), info.get("cue_end")
            found.append(
                PredictedStatement(
                    (span.start_char, span.end_char),
                    source if None not in source else None,  # type: ignore[arg-type]
                    cue if None not in cue else None,  # type: ignore[arg-type]
                    info.get("speaker"),
                    info.get("stance"),
                    info.get("mode"),
                )
            )
        predicted.append(found)
    return predicted


def _textacy(docs: list[Doc]) -> list[list[PredictedStatement]] | None:
    try:
        from textacy.extract import direct_quotations
    except ImportError:
        return None
    predicted = []
    for doc in docs:
        found: list[PredictedStatement] = []
        try:
            triples = list(direct_quotations(doc))
        except ValueError:  # textacy gives up on a document with an unclosed quotation
            triples = []
        for speaker, cue, content in triples:
            source = (speaker[0].idx, speaker[-1].idx + len(speaker[-1])) if speaker else None
            cue_span = (cue[0].idx, cue[-1].idx + len(cue[-1])) if cue else None
            name = " ".join(t.text for t in speaker) if speaker else None
            found.append(
                PredictedStatement(
                    (content.start_char, content.end_char), source, cue_span, name, "assert"
                )
            )
        predicted.append(found)
    return predicted


def run(data: Path, split: str) -> dict[str, Any]:
    """Score both systems and time the passes; returns the report as a dict."""
    dataset, documents = load_attribution_data(data, split)
    score = score_gendergap if dataset == "gendergap" else score_polnear
    texts = [d.text for d in documents]
    nlp = load_nlp()
    statements = nlp.get_pipe("sitroom_statements")
    started = time.perf_counter()
    with nlp.select_pipes(disable=["sitroom_statements"]):
        docs = list(nlp.pipe(texts))
    pipeline_seconds = time.perf_counter() - started
    started = time.perf_counter()
    docs = [statements(doc) for doc in docs]
    statement_seconds = time.perf_counter() - started
    bare = load_nlp(components=())
    started = time.perf_counter()
    bare_docs = list(bare.pipe(texts))
    bare_seconds = time.perf_counter() - started
    peer = _textacy(bare_docs)
    return {
        "dataset": dataset,
        "split": split,
        "documents": len(documents),
        "sitroom": score(documents, _ours(docs)),
        "textacy_direct_quotations": score(documents, peer) if peer is not None else None,
        "seconds": {
            "spacy_pass": round(bare_seconds, 2),
            "sitroom_without_statements": round(pipeline_seconds, 2),
            "statements_component": round(statement_seconds, 2),
            "statements_share_of_spacy_pass": round(statement_seconds / bare_seconds, 4),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--split", default="all")
    parser.add_argument("--peer-path", type=Path, help="folder where textacy is installed")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.peer_path:
        sys.path.append(str(args.peer_path))
    report = run(args.data, args.split)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for system in ("sitroom", "textacy_direct_quotations"):
        scores = report[system]
        shown = "not installed" if scores is None else json.dumps(scores)
        print(f"{system}: {shown}")
    print(f"seconds: {json.dumps(report['seconds'])}")


if __name__ == "__main__":
    main()
