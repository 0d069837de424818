"""Extractors: spaCy pipeline components registered under ``sitroom_*`` factory names."""
