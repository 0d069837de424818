"""The dashboard in a real browser: Debian's chromium driven by Playwright, over a real server.

The database holds the bundled samples (analysed by the real pipeline, loaded once per session)
and the invented documents of ``conftest.py``, one of them full of markup. Every request the
page makes is intercepted: one to a host other than 127.0.0.1 is refused and recorded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from sitroom.api import Settings, create_app
from sitroom.batch import run_batch
from sitroom.store import Store
from sitroom.web import DashboardSettings, running_server
from sitroom.web._server import CHROMIUM, LOOPBACK, chromium_options
from tests.conftest import SAMPLES, in_ci, require_path

from .conftest import DAY_A, DAY_B, DAY_HOSTILE, IMG, SCRIPT, add_invented

MAX_CLUSTER_CLICKS = 12


def _need_browser() -> None:
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "Playwright for Python is not installed (pip install -e '.[dev]')"
    if problem is None and not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    if problem:
        if in_ci():
            pytest.fail(f"{problem}; browser tests must run in CI")
        pytest.skip(problem)  # outside CI only


@pytest.fixture(scope="module")
def base_url(tmp_path_factory, pipeline) -> Iterator[str]:
    _need_browser()
    db = tmp_path_factory.mktemp("dashboard") / "sitroom.db"
    with Store(db) as store:
        summary = run_batch([require_path(SAMPLES)], pipeline, store=store)
        assert summary.counts["stored"] >= 3, summary.describe()
        add_invented(store)
        app = create_app(store, Settings(), dashboard=DashboardSettings())
        with running_server(app) as url:
            yield url


@pytest.fixture(scope="module")
def browser(base_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(**chromium_options())
        yield browser
        browser.close()


class Watch:
    """What the page asked for, what it refused, and what went wrong in it."""

    def __init__(self) -> None:
        self.hosts: set[str | None] = set()
        self.refused: list[str] = []
        self.errors: list[str] = []


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    watch = Watch()

    def guard(route, request):
        host = urlsplit(request.url).hostname
        watch.hosts.add(host)
        if request.url.startswith("data:") or host == LOOPBACK:
            return route.continue_()
        watch.refused.append(request.url)
        return route.abort()

    context.route("**/*", guard)
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    page.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    page.goto(base_url + "/")
    page.wait_for_selector("body[data-ready]")
    page.watch = watch
    yield page
    context.close()


_FORM_QUERY = """() => {
  const params = new URLSearchParams();
  for (const name of ["since", "until", "type", "q"]) {
    const value = document.getElementById(name).value.trim();
    if (value) params.set(name, value);
  }
  return params.toString();
}"""


def _apply(page, **values: str) -> None:
    """Set filter fields and wait until the page shows the view for exactly these filters."""
    for name, value in values.items():
        if name == "type":
            page.select_option("#type", value)
        else:
            page.fill(f"#{name}", value)
        page.dispatch_event(f"#{name}", "change")
    expected = page.evaluate(_FORM_QUERY)
    page.wait_for_function("(v) => document.body.dataset.view === v", arg=expected)


def _marker_count(page) -> int:
    return int(page.get_attribute("#map", "data-markers"))


def _bar_days(page) -> set[str]:
    return set(page.eval_on_selector_all("#timeline rect.bar", "bs => bs.map(b => b.dataset.day)"))


def test_page_loads_every_view(page):
    assert re.search(r"\d+ events", page.text_content("#summary"))
    assert _marker_count(page) >= 3
    assert page.locator(".event-marker, .marker-cluster").count() >= 1
    assert {DAY_A, DAY_HOSTILE, DAY_B} <= _bar_days(page)
    assert page.locator("#statements .speaker").count() >= 3
    assert page.locator("#figures circle.point").count() >= 1
    assert page.locator(".leaflet-overlay-pane path").count() > 100  # country outlines
    footer = page.text_content("footer")
    assert "GeoNames" in footer and "CC BY 4.0" in footer
    assert page.watch.errors == []
    assert page.watch.refused == []


def test_clicking_a_marker_shows_highlighted_evidence(page):
    for _ in range(MAX_CLUSTER_CLICKS):
        marker = page.locator("path.event-marker").first
        if marker.count() and marker.is_visible():
            break
        page.locator(".marker-cluster").first.click()
        page.wait_for_timeout(400)  # the cluster's zoom animation
    marker.click(force=True)
    mark = page.locator("#evidence .passage mark").first
    mark.wait_for()
    passage = page.locator("#evidence .passage").first.text_content()
    assert mark.text_content() and mark.text_content() in passage
    assert page.locator("#evidence .source").count() == 1


def test_clicking_a_statement_marks_its_quote(page):
    page.locator("#statements li", has_text="no trains will run").click()
    page.wait_for_selector("#evidence mark")
    assert page.text_content("#evidence mark") == "no trains will run this week"
    assert "Orla Penhale" in page.text_content("#evidence h3")
    page.locator("#evidence .passage-links a").first.click()
    page.wait_for_selector("#evidence .document mark")
    assert "Repairs began at noon." in page.text_content("#evidence .document")


def test_date_filter_changes_the_map_and_the_timeline(page):
    markers_before, days_before = _marker_count(page), _bar_days(page)
    _apply(page, since=DAY_A, until=DAY_A)
    assert _bar_days(page) == {DAY_A}
    assert _marker_count(page) == 1 < markers_before
    assert len(days_before) > 1
    _apply(page, since=DAY_HOSTILE, until=DAY_B)
    assert _bar_days(page) == {DAY_HOSTILE, DAY_B}
    assert _marker_count(page) == 2


def test_clicking_a_day_filters_to_it(page):
    page.locator(f'#timeline rect.bar[data-day="{DAY_B}"]').first.click()
    page.wait_for_function(
        "(v) => document.body.dataset.view === v", arg=f"since={DAY_B}&until={DAY_B}"
    )
    assert _bar_days(page) == {DAY_B}


def test_markup_in_articles_is_shown_as_text_never_run(page):
    _apply(page, q="Scarn")
    assert "Scarn" + IMG in page.text_content("#events")
    page.locator("#events li").first.click()
    page.wait_for_selector("#evidence mark")
    assert SCRIPT in page.text_content("#evidence mark")
    assert SCRIPT + IMG in page.text_content("#evidence .source")
    _apply(page, q="Vell")
    assert "Vell" + IMG in page.text_content("#statements h3")
    page.locator("#statements li").first.click()
    page.wait_for_selector("#evidence mark")
    assert IMG in page.text_content("#evidence mark")
    # The document's javascript: URL is not made a link.
    hrefs = page.eval_on_selector_all("a", "as => as.map(a => a.getAttribute('href'))")
    assert not any(h and h.lower().startswith("javascript") for h in hrefs)
    page.wait_for_timeout(300)  # give any injected handler time to fire
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("img[src='x'], #evidence script, #events script").count() == 0
    assert page.watch.errors == []


def test_page_never_asks_another_host(page):
    _apply(page, type="ASSAULT")
    page.locator("#events li").first.click()
    page.wait_for_selector("#evidence mark")
    assert page.watch.refused == []
    assert page.watch.hosts <= {LOOPBACK, None}


def test_filters_are_kept_in_the_address(page, base_url):
    _apply(page, since=DAY_HOSTILE, until=DAY_B)
    assert page.url == f"{base_url}/?since={DAY_HOSTILE}&until={DAY_B}"
    page.goto(page.url)  # a bookmark or a shared link opens the same view
    page.wait_for_function(
        "(v) => document.body.dataset.view === v", arg=f"since={DAY_HOSTILE}&until={DAY_B}"
    )
    assert page.input_value("#since") == DAY_HOSTILE
    assert _bar_days(page) == {DAY_HOSTILE, DAY_B}


def test_address_values_the_form_cannot_hold_are_ignored(page, base_url):
    page.goto(f"{base_url}/?type=NOT_A_TYPE&since=yesterday&q=%3Cscript%3E")
    page.wait_for_function("() => document.body.dataset.view === 'q=%3Cscript%3E'")
    assert page.input_value("#type") == ""
    assert page.input_value("#since") == ""
    assert page.watch.errors == []
