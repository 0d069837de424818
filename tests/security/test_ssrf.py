"""Server-side request forgery: ``sitroom ingest URL``, feeds and ``POST /documents`` must not
reach loopback, private, link-local or other internal addresses, in any spelling, through DNS
names that resolve to them, or through redirects to them.

A real server listens on 127.0.0.1 throughout: if a guard failed, it would record the request,
so every refusal is checked both by its error and by that server's silence.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest
from typer.testing import CliRunner

from sitroom.api import Settings, create_app
from sitroom.cli import app
from sitroom.errors import IngestError, UnsafeURL
from sitroom.ingest import FeedState, fetch_url, item_document, iter_documents, poll_feed
from sitroom.ingest.feeds import FeedItem
from sitroom.store import Store
from tests.api.conftest import TOKEN, Client, FakePipeline
from tests.ingest._server import LocalServer, Route, start_server

PUBLIC_IP = "93.184.216.34"  # documentation-style public address; never connected to here
INTERNAL_SPELLINGS = (
    "http://127.0.0.1:{port}/page",
    "http://localhost:{port}/page",
    "http://LOCALHOST:{port}/page",
    "http://localhost.:{port}/page",
    "http://127.1:{port}/page",
    "http://2130706433:{port}/page",  # 127.0.0.1 as one decimal number
    "http://0x7f000001:{port}/page",
    "http://0177.0.0.1:{port}/page",  # octal
    "http://0.0.0.0:{port}/page",
    "http://[::1]:{port}/page",
    "http://[::]:{port}/page",
    "http://[::ffff:127.0.0.1]:{port}/page",
    "http://[::ffff:7f00:1]:{port}/page",
    "http://[0:0:0:0:0:ffff:127.0.0.1]:{port}/page",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fe80::1]/",
    "http://[fd12:3456::1]/",
    "http://[64:ff9b::7f00:1]/",  # NAT64 wrapping loopback
)
# DNS names that answer with internal addresses (the resolver is patched; no real DNS).
HOSTILE_NAMES = {
    "metadata.cloud.test": ["169.254.169.254"],
    "intranet.corp.test": ["10.20.30.40"],
    "loop6.test": ["::1"],
    "mapped.test": ["::ffff:127.0.0.1"],
    "rebind.test": [PUBLIC_IP, "127.0.0.1"],  # one good answer does not make it safe
}


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    state, stop = start_server()
    page = b"<html><body><article><p>Internal secret page with enough words to be an article."
    state.routes["/page"] = Route(page + b"</p></article></body></html>")
    state.routes["/feed"] = Route(b"<rss version='2.0'><channel><title>x</title></channel></rss>")
    yield state
    stop()


@pytest.fixture
def hostile_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list:
        if host == "news.public.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_IP, port))]
        if host in HOSTILE_NAMES:
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port),
                )
                for a in HOSTILE_NAMES[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _urls(server: LocalServer) -> list[str]:
    return [url.format(port=server.port) for url in INTERNAL_SPELLINGS]


@pytest.mark.parametrize("spelling", INTERNAL_SPELLINGS)
def test_ingest_refuses_every_spelling_of_an_internal_address(
    server: LocalServer, spelling: str
) -> None:
    before = len(server.requests)
    [outcome] = list(iter_documents([spelling.format(port=server.port)]))
    assert isinstance(outcome, UnsafeURL), outcome
    assert any(why in outcome.reason for why in ("refused", "does not resolve", "not a valid"))
    assert len(server.requests) == before


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_dns_names_resolving_inside_are_refused(
    hostile_dns, server: LocalServer, name: str
) -> None:
    before = len(server.requests)
    with pytest.raises(UnsafeURL, match=rf"{name} -> .* is "):
        fetch_url(f"http://{name}:{server.port}/page")
    assert len(server.requests) == before


def _redirecting_client(target: str, seen: list[str]) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": target})

    return httpx.Client(transport=httpx.MockTransport(handler))


@pytest.mark.parametrize(
    "target",
    [*INTERNAL_SPELLINGS, *(f"http://{name}/" for name in HOSTILE_NAMES), "file:///etc/passwd"],
)
def test_redirects_from_a_public_page_to_inside_are_refused(
    hostile_dns, server: LocalServer, target: str
) -> None:
    seen: list[str] = []
    client = _redirecting_client(target.format(port=server.port), seen)
    # UnsafeURL, or FetchError for a Location httpx cannot even parse (octal "0177.0.0.1").
    with pytest.raises(IngestError, match=r"refused|does not resolve|Invalid IPv4"):
        fetch_url("http://news.public.test/story", client=client)
    assert len(seen) == 1  # the public page only; the redirect target was never requested


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:{port}/page", "http://[::ffff:127.0.0.1]:{port}/page"]
)
def test_cli_ingest_url_refuses_and_stores_nothing(server: LocalServer, tmp_path, url: str) -> None:
    db = tmp_path / "ssrf.db"
    before = len(server.requests)
    result = CliRunner().invoke(app, ["ingest", url.format(port=server.port), "--db", str(db)])
    assert result.exit_code == 1
    assert "refused" in result.stderr and "--allow-private" in result.stderr
    assert len(server.requests) == before
    with Store(db) as store:
        assert store.stats()["documents"] == 0


def test_cli_ingest_url_refuses_a_name_resolving_to_metadata(hostile_dns, tmp_path) -> None:
    args = ["ingest", "http://metadata.cloud.test/latest/", "--db", str(tmp_path / "m.db")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and "169.254.169.254" in result.stderr


def test_post_documents_never_fetches_a_url(server: LocalServer) -> None:
    writer = Client(
        create_app(Store.memory(), Settings(token=TOKEN, pipeline=FakePipeline)),
        headers={"Authorization": f"Bearer {TOKEN}"},
        raise_bugs=False,
    )
    before = len(server.requests)
    for url in _urls(server):
        for body in ({"url": url}, {"url": url, "text": "Shelling hit the port, officials said."}):
            response = writer.post("/documents", json=body)
            assert response.status_code in (400, 501), (url, response.text)
    assert len(server.requests) == before
    assert writer.get("/stats").json()["documents"] == 0


def test_feed_item_linking_inside_falls_back_to_the_entry_text(server: LocalServer) -> None:
    item = FeedItem(
        id="g1",
        link=f"http://127.0.0.1:{server.port}/page",
        title="Aid convoy",
        content="<p>The aid convoy reached the port on Sunday, officials said.</p>",
    )
    before = len(server.requests)
    document = item_document(item)
    assert document.text.startswith("The aid convoy reached the port")
    assert any("refused" in warning for warning in document.warnings)
    assert len(server.requests) == before


def test_polling_an_internal_feed_is_a_refused_poll(server: LocalServer) -> None:
    before = len(server.requests)
    poll = poll_feed(f"http://localhost:{server.port}/feed", FeedState())
    assert isinstance(poll.error, UnsafeURL)
    assert len(server.requests) == before
