"""Scorers for the public gold datasets in ``../shared/datasets`` (one module per task).

Each scorer runs a spaCy pipeline over a dataset and returns a flat dict of metrics; the CLI
(``sitroom eval TASK --data PATH --split test --json``) only prints it.
"""

from .attribution import evaluate_attribution
from .events import evaluate_event_location, evaluate_events
from .figures import evaluate_figures
from .time import build_time_nlp, evaluate_time

__all__ = [
    "build_time_nlp",
    "evaluate_attribution",
    "evaluate_event_location",
    "evaluate_events",
    "evaluate_figures",
    "evaluate_time",
]
