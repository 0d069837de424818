"""Fetching pages: address checks (SSRF), limits, redirects, and HTML/text to Documents.

Real HTTP goes only to a server on 127.0.0.1 (so those tests pass ``allow_private=True``);
everything else uses ``httpx.MockTransport`` with public IP literals, which never connects.
"""

from __future__ import annotations

import gzip
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.errors import FetchError, IngestError, UnreadableInput, UnsafeURL
from sitroom.ingest import iter_documents
from sitroom.ingest._netguard import check_url, unsafe_reason
from sitroom.ingest.url import document_from_url, fetch_url
from tests.conftest import in_ci
from tests.ingest._server import PUBLIC, LocalServer, Route, mock_client, start_server


def refusing_client(calls: list[httpx.Request]) -> httpx.Client:
    """A client that records requests; the refused ones must never get here."""

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, text="should not have been fetched")

    return mock_client(handler)


ARTICLE_HTML = b"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>Harbour cranes resume work | Coastline Courier</title>
<meta property="og:title" content="Harbour cranes resume work">
<meta property="og:site_name" content="Coastline Courier">
<meta property="article:published_time" content="2023-03-14T08:30:00+00:00">
</head><body>
<nav>Home | World | Sport</nav>
<article><h1>Harbour cranes resume work</h1>
<p>Dock workers in the northern port returned to the cranes on Tuesday after a two-week
stoppage, the harbour authority said in a statement.</p>
<p>Officials said about forty ships had been waiting offshore and that the backlog would take
several days to clear, while unions said talks on pay would continue next month.</p>
<p>Fuel deliveries to the region were expected to return to normal by the weekend.</p>
</article><footer>Copyright Coastline Courier</footer></body></html>"""


# --- address and URL checks -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1/",
        "http://2130706433/",  # 127.0.0.1 written as one number
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
        "http://0.0.0.0/",
        "http://240.0.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:8.8.8.8]/",
        "http://[fc00::1]/",
        "http://[fe80::1]/",
        "http://[2002:7f00:1::1]/",  # 6to4 wrapping 127.0.0.1
        "http://[64:ff9b::a00:1]/",  # NAT64 wrapping 10.0.0.1
        "http://localhost:8080/",  # a DNS name resolving to loopback (from /etc/hosts)
    ],
)
def test_fetch_url_refuses_non_public_addresses(url: str) -> None:
    calls: list[httpx.Request] = []
    with pytest.raises(UnsafeURL, match=r"refused: .* is .*allow-private"):
        fetch_url(url, client=refusing_client(calls))
    assert calls == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "scheme 'file' refused"),
        ("ftp://93.184.216.34/x", "scheme 'ftp' refused"),
        ("gopher://93.184.216.34/", "scheme 'gopher' refused"),
        ("/just/a/path", "scheme '\\(none\\)' refused"),
        ("http://user:secret@93.184.216.34/", "user name or password"),
        ("http://93.184.216.34@127.0.0.1/", "user name or password"),
    ],
)
def test_fetch_url_refuses_bad_schemes_and_credentials(url: str, message: str) -> None:
    calls: list[httpx.Request] = []
    with pytest.raises(UnsafeURL, match=message):
        fetch_url(url, client=refusing_client(calls))
    assert calls == []


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1/admin",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/",
        "http://localhost/",
        "file:///etc/passwd",
    ],
)
def test_fetch_url_refuses_redirect_to_private_address(target: str) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(302, headers={"Location": target})

    with pytest.raises(UnsafeURL, match="refused"):
        fetch_url(PUBLIC + "/story", client=mock_client(handler))
    assert [str(r.url) for r in calls] == [PUBLIC + "/story"]


def test_fetch_url_checks_every_resolved_address(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {"mixed.example": ["93.184.216.34", "10.1.2.3"], "news.example": ["93.184.216.34"]}

    def fake_getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    calls: list[httpx.Request] = []
    with pytest.raises(UnsafeURL, match=r"mixed\.example -> 10\.1\.2\.3 is a private"):
        fetch_url("http://mixed.example/", client=refusing_client(calls))
    assert calls == []
    # The request goes to the checked address, with the original Host header.
    page = fetch_url("http://news.example/a?b=1", client=refusing_client(calls))
    assert str(calls[0].url) == "http://93.184.216.34/a?b=1"
    assert calls[0].headers["host"] == "news.example"
    assert page.url == "http://news.example/a?b=1"


@pytest.mark.parametrize(
    ("address", "public"),
    [("8.8.8.8", True), ("2606:4700::1111", True), ("192.0.2.1", False), ("::", False)],
)
def test_unsafe_reason_public_and_documentation_addresses(address: str, public: bool) -> None:
    assert (unsafe_reason(ipaddress.ip_address(address)) is None) is public


# --- redirects, errors, limits ----------------------------------------------------------------


def test_fetch_url_follows_redirects_to_final_url(server: LocalServer) -> None:
    server.routes["/old"] = Route(status=301, headers={"Location": "/new"})
    server.routes["/new"] = Route(b"moved here", headers={"Content-Type": "text/plain"})
    page = fetch_url(server.url("/old"), allow_private=True)
    assert page.url == server.url("/new")
    assert page.content == b"moved here"
    assert page.redirects == (server.url("/new"),)


def test_fetch_url_refuses_redirect_loop(server: LocalServer) -> None:
    server.routes["/loop-a"] = Route(status=302, headers={"Location": "/loop-b"})
    server.routes["/loop-b"] = Route(status=302, headers={"Location": "/loop-a"})
    with pytest.raises(FetchError, match="redirect loop"):
        fetch_url(server.url("/loop-a"), allow_private=True)


def test_fetch_url_stops_after_max_redirects() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        step = int(request.url.path.strip("/") or 0)
        return httpx.Response(302, headers={"Location": f"/{step + 1}"})

    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetch_url(PUBLIC + "/0", max_redirects=3, client=mock_client(handler))


def test_fetch_url_http_error_names_status(server: LocalServer) -> None:
    with pytest.raises(FetchError, match="HTTP 404") as caught:
        fetch_url(server.url("/missing"), allow_private=True)
    assert caught.value.status == 404


def test_fetch_url_size_limit_stops_download(server: LocalServer) -> None:
    def endless() -> Iterator[bytes]:
        for _ in range(2_000):  # 128 MB if it were all read
            yield b"x" * 65_536

    server.routes["/huge"] = Route(endless, headers={"Content-Type": "text/plain"})
    started = time.perf_counter()
    with pytest.raises(UnreadableInput, match="over the limit of 1,000,000 bytes"):
        fetch_url(server.url("/huge"), allow_private=True, max_bytes=1_000_000)
    assert time.perf_counter() - started < 5


def _gzip_bomb(megabytes: int) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1_048_576)
    parts = [compressor.compress(block) for _ in range(megabytes)]
    return b"".join([*parts, compressor.flush()])


def test_fetch_url_gzip_bomb_cut_off_not_inflated(server: LocalServer) -> None:
    bomb = _gzip_bomb(128)  # 128 MiB of zeros in about 130 kB
    assert len(bomb) < 200_000
    server.routes["/bomb"] = Route(
        bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(UnreadableInput, match="after decompression"):
            fetch_url(server.url("/bomb"), allow_private=True, max_bytes=1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 5
    assert peak < 16_000_000  # the 128 MiB are never in memory: ~1 MB of output plus chunks


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_fetch_url_decompresses_normal_bodies(encoding: str) -> None:
    text = b"Plain words about a ceasefire. " * 100
    if encoding == "gzip":
        body = gzip.compress(text)
    elif encoding == "deflate":
        body = zlib.compress(text)
    else:
        squeezer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        body, encoding = squeezer.compress(text) + squeezer.flush(), "deflate"

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept-encoding"] == "gzip, deflate"
        # A stream, as from the network, so the body goes through our own decoder.
        headers = {"Content-Encoding": encoding}
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(body))

    assert fetch_url(PUBLIC, client=mock_client(handler)).content == text


def test_fetch_url_times_out_on_silent_server(server: LocalServer) -> None:
    release = threading.Event()

    def stalled() -> Iterator[bytes]:
        yield b"first bytes "
        release.wait(5)
        yield b"too late"

    server.routes["/slow"] = Route(stalled, headers={"Content-Type": "text/plain"})
    started = time.perf_counter()
    try:
        with pytest.raises(FetchError, match="timed out"):
            fetch_url(server.url("/slow"), allow_private=True, timeout=0.5)
    finally:
        release.set()
    assert time.perf_counter() - started < 3


# --- documents ------------------------------------------------------------------------------


def test_document_from_url_reads_html_metadata(server: LocalServer) -> None:
    server.routes["/article"] = Route(status=302, headers={"Location": "/2023/cranes.html"})
    server.routes["/2023/cranes.html"] = Route(
        ARTICLE_HTML, headers={"Content-Type": "text/html; charset=utf-8"}
    )
    document = document_from_url(server.url("/article"), allow_private=True)
    assert document.title == "Harbour cranes resume work"
    assert document.source == "Coastline Courier"
    assert document.published == "2023-03-14"
    assert document.url == server.url("/2023/cranes.html")
    assert "two-week\nstoppage" not in document.text
    assert "forty ships" in document.text
    assert "Home | World" not in document.text


def test_document_from_url_reads_plain_text_with_declared_charset() -> None:
    text = "Le port a rouvert mardi, a déclaré l'autorité portuaire du nord du pays."

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "text/plain; charset=iso-8859-1"}
        return httpx.Response(200, headers=headers, content=text.encode("latin-1"))

    document = document_from_url(PUBLIC + "/note.txt", client=mock_client(handler))
    assert document.text == text
    assert document.url == PUBLIC + "/note.txt"


def test_document_from_url_refuses_non_article_content_type() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "application/pdf"}, content=b"%PDF-")

    with pytest.raises(UnreadableInput, match="'application/pdf' is not an article"):
        document_from_url(PUBLIC + "/report.pdf", client=mock_client(handler))


def test_iter_documents_reads_urls_and_reports_refusals(server: LocalServer) -> None:
    server.routes["/page.html"] = Route(ARTICLE_HTML, headers={"Content-Type": "text/html"})
    url = server.url("/page.html")
    allowed = list(iter_documents([url], allow_private=True))
    assert [d.title for d in allowed if not isinstance(d, IngestError)] == [
        "Harbour cranes resume work"
    ]
    refused = list(iter_documents([url, "file:///etc/passwd"]))
    assert [type(item) for item in refused] == [UnsafeURL, UnsafeURL]
    assert all(isinstance(item, IngestError) and "refused" in item.reason for item in refused)


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, ssl.SSLContext]]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate for the name "localhost"."""
    openssl = shutil.which("openssl")
    if openssl is None:
        if in_ci():
            pytest.fail("openssl is needed to make a test certificate")
        pytest.skip("openssl not found: cannot make a test certificate")  # outside CI only
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    state, stop = start_server(tls=context)
    state.routes["/tls"] = Route(b"secure words", headers={"Content-Type": "text/plain"})
    yield state.port, ssl.create_default_context(cafile=str(cert))
    stop()


def test_fetch_url_https_pinned_address_keeps_certificate_name(
    tls_server: tuple[int, ssl.SSLContext],
) -> None:
    port, trusted = tls_server
    with httpx.Client(verify=trusted) as client:
        # Connected to the checked 127.0.0.1, certificate checked against "localhost".
        page = fetch_url(f"https://localhost:{port}/tls", allow_private=True, client=client)
        assert page.content == b"secure words"
        with pytest.raises(FetchError, match="certificate verify failed"):
            fetch_url(f"https://127.0.0.1:{port}/tls", allow_private=True, client=client)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=60),
        st.builds(lambda s: "http://" + s, st.text(max_size=40)),
        st.builds(lambda s: "https://" + s + "/", st.text(max_size=40)),
    )
)
def test_check_url_accepts_only_http_urls_without_credentials(text: str) -> None:
    try:
        url = check_url(text)
    except UnsafeURL:
        return
    assert url.scheme in ("http", "https")
    assert url.host and not url.userinfo
