"""The merge package: public names, its migration, its data files."""

from __future__ import annotations

from importlib.resources import files

import pytest
from sqlalchemy import inspect

import sitroom.merge
from sitroom.merge import _similar
from sitroom.merge._tables import metadata
from sitroom.store import SCHEMA_VERSION, Store


def test_merge_all_is_sorted_and_complete() -> None:
    names = sitroom.merge.__all__
    assert names == sorted(names)
    assert all(hasattr(sitroom.merge, name) for name in names)


def test_merge_tables_come_with_migration_2() -> None:
    assert SCHEMA_VERSION >= 2
    store = Store.memory()
    tables = set(inspect(store.engine).get_table_names())
    assert {t for t in metadata.tables if t != "documents"} <= tables


def _rows(name: str) -> list[str]:
    lines = files("sitroom.data").joinpath(name).read_text("utf-8").splitlines()
    return lines


def test_merge_synonyms_file_parses() -> None:
    header, *rows = _rows(_similar.SYNONYMS_FILE)
    assert header == "word\tclass"
    pairs = [row.split("\t") for row in rows]
    assert all(len(p) == 2 and all(p) for p in pairs)
    words = [w for w, _ in pairs]
    assert words == sorted(words) and len(set(words)) == len(words)
    classes = {c for _, c in pairs}
    assert classes <= set(words)  # every class is named by one of its words


@pytest.mark.parametrize("name", [_similar.REPEAT_MARKERS_FILE, _similar.STOPWORDS_FILE])
def test_merge_word_list_files_parse(name: str) -> None:
    header, *rows = _rows(name)
    assert header == "word" and rows == sorted(set(rows)) and all(r.isalpha() for r in rows)
    assert _similar.word_list(name) == frozenset(rows)
