"""Documents: list, detail, the stored result, and ``POST /documents`` (bearer token)."""

from __future__ import annotations

import secrets
import threading
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from ..errors import StoreError
from ..ingest import IngestOptions, document_from_text
from ..model import Document, DocumentResult
from ..store import InvalidArgument
from ..store._geo_query import page_documents, reading
from ._deps import Cursor, Limit, Since, StoreDep, Until, decode_cursor, encode_cursor, text_filter
from ._errors import ERROR_RESPONSES, WRITE_RESPONSES
from ._schemas import DocumentDetail, DocumentIn, DocumentRow, IngestResult, Page
from ._settings import DEFAULT_PAGE_SIZE, TOKEN_ENV, Analyser, Settings

router = APIRouter(tags=["documents"], responses=ERROR_RESPONSES)

DocumentId = Annotated[
    str, Path(description="the document's id ('d' + 16 hex digits)", max_length=200)
]
_COUNTED = ("entities", "places", "times", "statements", "events", "figures")

_bearer = HTTPBearer(auto_error=False, description=f"the server's {TOKEN_ENV}")


@router.get("/documents", response_model=Page[DocumentRow], summary="List documents")
def list_documents(
    store: StoreDep,
    since: Since = None,
    until: Until = None,
    language: Annotated[str | None, text_filter("ISO 639-1 code", "en")] = None,
    status: Annotated[Literal["analysed", "flagged"] | None, text_filter("stored status")] = None,
    source: Annotated[str | None, text_filter("part of the outlet's name")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_PAGE_SIZE,
) -> Any:
    """Documents without their text, newest first."""
    after = decode_cursor("documents", cursor)
    with reading(store.engine, store.name) as connection:
        rows, key = page_documents(
            connection,
            since=since,
            until=until,
            language=language,
            status=status,
            source=source,
            after=after,
            limit=limit,
        )
    items = [DocumentRow.model_validate(r) for r in rows]
    return {"items": items, "next_cursor": encode_cursor("documents", key), "limit": limit}


@router.get("/documents/{document_id}", response_model=DocumentDetail, summary="One document")
def get_document(store: StoreDep, document_id: DocumentId) -> Any:
    """The document with its text; item offsets point into ``text``."""
    return DocumentDetail.model_validate(store.document(document_id))


@router.get(
    "/documents/{document_id}/result",
    response_model=DocumentResult,
    response_model_by_alias=True,
    summary="Everything extracted from one document (the sitroom/1 contract)",
)
def get_result(store: StoreDep, document_id: DocumentId) -> Any:
    return store.result(document_id)


# --- writing ---------------------------------------------------------------------------------


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """401 without a bearer token, 403 with a wrong one or when writes are disabled."""
    expected: str | None = request.app.state.settings.token
    if not expected:
        raise HTTPException(
            403, f"writes are disabled on this server; start it with {TOKEN_ENV} set to allow them"
        )
    if credentials is None:
        raise HTTPException(
            401,
            "send the write token as 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not secrets.compare_digest(credentials.credentials.encode(), expected.encode()):
        raise HTTPException(403, "the bearer token is not valid for this server")


class PipelineHolder:
    """Builds the app's analyser on first use, once, and runs one analysis at a time.

    Requests run in a thread pool; a spaCy pipeline is not documented as safe to call from
    several threads at once, and analysis is CPU-bound anyway, so calls are serialised.
    """

    def __init__(self, settings: Settings) -> None:
        self._factory = settings.pipeline
        self._analyser: Analyser | None = None
        self._lock = threading.Lock()

    def analyse(self, document: Document) -> DocumentResult:
        with self._lock:
            if self._analyser is None:
                self._analyser = self._factory()
            return self._analyser.analyse(document)


@router.post(
    "/documents",
    response_model=IngestResult,
    status_code=201,
    responses={200: {"model": IngestResult, "description": "already stored"}, **WRITE_RESPONSES},
    dependencies=[Depends(require_token)],
    summary="Ingest a document (needs the bearer token)",
)
def post_document(body: DocumentIn, request: Request, response: Response, store: StoreDep) -> Any:
    """Analyse ``text`` and store it; an identical text already stored is not analysed again."""
    if body.url is not None:
        raise HTTPException(
            501, "ingest by URL is not implemented yet; fetch the page and POST its text"
        )
    if body.text is None:
        raise InvalidArgument("the body needs 'text' (the article); 'url' is not supported yet")
    settings: Settings = request.app.state.settings
    try:
        options = IngestOptions(
            max_chars=settings.max_chars,
            title=body.title,
            source=body.source,
            published=body.published,
        )
    except ValueError as exc:
        raise InvalidArgument(f"published={body.published!r}: {exc}") from None
    document = document_from_text(body.text, origin="POST /documents", options=options)
    # Imported on the first post: sitroom.batch loads spaCy, which reads never need.
    from ..batch import Status, analyse_and_store

    outcome = analyse_and_store(document, request.app.state.pipeline, store)
    if outcome.status is Status.failed:
        # A database failure maps to 503 (retry later); anything else is a server-side bug.
        raise StoreError(outcome.message) if outcome.retry else RuntimeError(outcome.message)
    if outcome.status is Status.duplicate:
        response.status_code = 200
        return IngestResult(document_id=document.id, status="duplicate", message=outcome.message)
    result = outcome.result
    counts = {k: len(getattr(result, k)) for k in _COUNTED} if result else {}
    status: Literal["stored", "flagged"] = (
        "flagged" if outcome.status is Status.flagged else "stored"
    )
    return IngestResult(
        document_id=document.id, status=status, message=outcome.message, counts=counts
    )
