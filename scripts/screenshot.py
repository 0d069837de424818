"""Take docs/dashboard.png: the dashboard over the seed article and the bundled samples.

Ingests the samples (and the seed article, published 2022-02-25, when it is beside the
repository) into a temporary database, serves the app on 127.0.0.1, opens the page in Debian's
chromium with Playwright, clicks one event so the evidence panel shows its highlighted sentence,
and saves a screenshot. No network: every request of the page is checked to stay on 127.0.0.1.

    .venv/bin/python scripts/screenshot.py [--out docs/dashboard.png] [--db FILE]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from sitroom.api import Settings, create_app
from sitroom.batch import run_batch
from sitroom.ingest import IngestOptions
from sitroom.pipeline import build_pipeline
from sitroom.store import Store
from sitroom.web import DashboardSettings, running_server
from sitroom.web._server import chromium_options

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seed" / "000_e1e83100be014342.txt"
SEED_PUBLISHED = "2022-02-25"
VIEWPORT = {"width": 1500, "height": 1180}


def fill(store: Store) -> None:
    """Ingest the samples and, if present, the seed article."""
    pipeline = build_pipeline()
    run_batch([REPO / "samples"], pipeline, store=store)
    if SEED.exists():
        run_batch([SEED], pipeline, store=store, options=IngestOptions(published=SEED_PUBLISHED))
    else:
        print(f"note: {SEED} is missing; only the samples are shown", file=sys.stderr)


def shoot(base_url: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    foreign: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(**chromium_options())
        page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)

        def guard(route, request):  # type: ignore[no-untyped-def]
            if urlsplit(request.url).hostname not in ("127.0.0.1", None):
                foreign.append(request.url)
                return route.abort()
            return route.continue_()

        page.route("**/*", guard)
        page.goto(base_url + "/")
        page.wait_for_selector("body[data-ready]")
        # Show a claimed event with a place: the kind of item the dashboard exists for.
        dated_claim = re.compile(r"^\d{4}-\d{2}-\d{2} · .+ · claimed by ")
        item = page.locator("#events li").filter(has=page.locator(".meta", has_text=dated_claim))
        item = item.first if item.count() else page.locator("#events li").first
        item.click()
        page.wait_for_selector("#evidence mark")
        page.evaluate("document.getElementById('events-panel').scrollTop = 0")  # show its title
        page.wait_for_timeout(400)  # let the map settle after fitBounds
        page.screenshot(path=str(out), full_page=True)
        browser.close()
    if foreign:
        raise SystemExit(f"the page asked for other hosts: {foreign}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "dashboard.png")
    parser.add_argument("--db", type=Path, help="use (and fill) this database file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or Path(folder) / "dashboard.db"
        with Store(db) as store:
            if not store.stats()["documents"]:
                fill(store)
            app = create_app(store, Settings(), dashboard=DashboardSettings())
            with running_server(app) as base_url:
                shoot(base_url, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
