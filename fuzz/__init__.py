"""Coverage-guided fuzzing of Sitroom with atheris: targets in ``targets.py``, runner ``run.py``."""
