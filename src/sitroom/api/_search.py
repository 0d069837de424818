"""Full-text search and database counts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ._deps import StoreDep
from ._errors import ERROR_RESPONSES
from ._schemas import SearchResults
from ._settings import MAX_SEARCH_RESULTS

DEFAULT_SEARCH_RESULTS = 20
MAX_QUERY_CHARS = 500

router = APIRouter(tags=["search"], responses=ERROR_RESPONSES)


@router.get("/search", response_model=SearchResults, summary="Search documents and statements")
def search(
    store: StoreDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY_CHARS,
            description='words to find; FTS5 syntax ("exact phrase", OR, prefix*) is honoured',
            examples=["port blockade"],
        ),
    ],
    limit: Annotated[
        int, Query(ge=1, le=MAX_SEARCH_RESULTS, description="most results returned")
    ] = DEFAULT_SEARCH_RESULTS,
) -> Any:
    """Documents and statements matching ``q``, best first."""
    return {"query": q, "items": store.search(q, limit=limit)}


@router.get("/stats", response_model=dict[str, int], tags=["stats"], summary="Row counts")
def stats(store: StoreDep) -> Any:
    """How many documents (analysed, flagged), sources, items and mentions are stored."""
    return store.stats()
