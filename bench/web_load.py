"""The web app's budget, from the browser: what the first page loads and how
soon it is interactive, with a cold cache.

Starts the system as the other benches do (system.py: a fresh RabbitMQ vhost
and PostgreSQL databases, the demo data, the four services by their run.sh,
the gateway serving web/ at /), then opens / in Debian's headless Chromium
(Selenium and chromium-driver, as tests/browser does), each load in a browser
profile of its own (an empty HTTP cache), --loads times for each first page:

    first visit   nothing stored: the language chooser
    centres       the language remembered: the centres page, its data loaded

For each, the median and the max over the loads of:
  - the JS and CSS the page loaded (Resource Timing): as transferred
    (transferSize: gzip body and headers) and the gzip body alone
    (encodedBodySize); the HTML shell and the JSON (message catalogue, API
    answers) beside them. Budget: JS + CSS at most 150 KB as transferred.
  - Navigation Timing, ms from the start of the navigation: domInteractive,
    domContentLoadedEventEnd, and the app's first render (its performance
    mark "jastar:first-render", set once the first page is on screen with
    its data, web/app/main.js). Budget: under 1 000 ms, judged on the first
    render, the latest of the three.

    .venv/bin/python bench/web_load.py [--loads 5] [--lang ru] [--quiet-wait 300] [--keep-logs]

A benchmark, not a test: it prints figures and PASS/FAIL against the budget,
and exits 0 either way.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cpu import say
from system import bring_up, main as bench_main

CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
BYTES_BUDGET = 150 * 1024
TIME_BUDGET_MS = 1000
MARK = "jastar:first-render"

READ = """
const nav = performance.getEntriesByType('navigation')[0];
const mark = performance.getEntriesByName(arguments[0])[0];
return {
  nav: {transfer: nav.transferSize, encoded: nav.encodedBodySize,
        interactive: nav.domInteractive, dcl: nav.domContentLoadedEventEnd},
  rendered: mark ? mark.startTime : null,
  resources: performance.getEntriesByType('resource').map((r) => ({
    name: r.name, transfer: r.transferSize, encoded: r.encodedBodySize})),
};
"""


def browser(profile):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=390,844", "--disable-extensions", "--no-first-run",
                f"--user-data-dir={profile}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    return driver


def kind_of(url):
    path = urlparse(url).path
    if path.endswith(".js"):
        return "js"
    if path.endswith(".css"):
        return "css"
    return "json" if path.endswith(".json") or path.startswith("/v1/") else "other"


def cold_load(base, lang):
    """One load of / in a new profile; `lang` None: a first visit (nothing stored)."""
    profile = tempfile.mkdtemp(prefix="jastar-web-load-")
    driver = browser(profile)
    try:
        if lang:
            driver.get(base + "/health")  # the origin, to remember the language in; no assets
            driver.execute_script("localStorage.setItem('jastar.lang', arguments[0])", lang)
        driver.get(base + "/")
        deadline = time.monotonic() + 30
        while True:
            found = driver.execute_script(READ, MARK)
            if found["rendered"] is not None:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"no {MARK} mark after 30 s at {driver.current_url}")
            time.sleep(0.05)
        time.sleep(0.2)  # late entries (an API answer after the mark) are not the first page's
        found = driver.execute_script(READ, MARK)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    sizes = {kind: [0, 0] for kind in ("js", "css", "json", "other")}
    for entry in found["resources"]:
        sizes[kind_of(entry["name"])][0] += entry["transfer"]
        sizes[kind_of(entry["name"])][1] += entry["encoded"]
    return {
        "js+css": sizes["js"][0] + sizes["css"][0], "js+css body": sizes["js"][1] + sizes["css"][1],
        "js": sizes["js"][0], "css": sizes["css"][0], "json": sizes["json"][0], "html": found["nav"]["transfer"],
        "requests": len(found["resources"]) + 1,
        "interactive": found["nav"]["interactive"], "dcl": found["nav"]["dcl"], "rendered": found["rendered"],
    }


def run(bench, args):
    bring_up(bench, args, members=False)
    cold_load(bench.url, args.lang)  # unmeasured: the services' first answers (connections, caches)
    pages = (("first visit", None), (f"centres ({args.lang})", args.lang))
    results = {}
    for label, lang in pages:
        results[label] = []
        for n in range(args.loads):
            results[label].append(cold_load(bench.url, lang))
            say(f"{label}: load {n + 1}/{args.loads}")

    print(f"\n{args.loads} cold loads of / in headless Chromium (a new profile each), "
          f"median / max; KB = 1024 bytes")
    print(f"{'first page':<14}{'JS+CSS KB':>11}{'(body)':>8}{'JS KB':>8}{'CSS KB':>8}{'JSON KB':>9}"
          f"{'HTML KB':>9}{'requests':>9}")
    for label, loads in results.items():
        def kb(key, loads=loads):
            return f"{statistics.median(r[key] for r in loads) / 1024:.1f}"
        print(f"{label:<14}{kb('js+css'):>11}{kb('js+css body'):>8}{kb('js'):>8}{kb('css'):>8}"
              f"{kb('json'):>9}{kb('html'):>9}{statistics.median(r['requests'] for r in loads):>9.0f}")
    print(f"\n{'first page':<14}{'domInteractive ms':>19}{'DOMContentLoaded ms':>21}{'first render ms':>17}")
    for label, loads in results.items():
        def ms(key, loads=loads):
            values = [r[key] for r in loads]
            return f"{statistics.median(values):.0f} / {max(values):.0f}"
        print(f"{label:<14}{ms('interactive'):>19}{ms('dcl'):>21}{ms('rendered'):>17}")
    print()
    for label, loads in results.items():
        heaviest = max(r["js+css"] for r in loads)
        slowest = max(r["rendered"] for r in loads)
        print(f"{label}: JS+CSS {heaviest / 1024:.1f} KB (max) vs {BYTES_BUDGET // 1024} KB: "
              f"{'PASS' if heaviest <= BYTES_BUDGET else 'FAIL'}; first render {slowest:.0f} ms (max) "
              f"vs < {TIME_BUDGET_MS} ms: {'PASS' if slowest < TIME_BUDGET_MS else 'FAIL'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=5, help="cold loads per first page")
    parser.add_argument("--lang", default="ru", choices=("kk", "ru"), help="the remembered language")
    return bench_main(parser, run)


if __name__ == "__main__":
    sys.exit(main())
