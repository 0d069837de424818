"""Lexicons and word lists shipped with Sitroom (TSV/TXT, one entry per line)."""
