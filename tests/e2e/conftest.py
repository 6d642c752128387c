"""Real-browser fixtures: a live ``streamlit run app.py`` and headless Debian chromium.

The browser is offline by construction: every request to a host other than the
local Streamlit server is aborted, so a map that only draws with a CDN fails here.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS_DIR = E2E_DIR / "artifacts"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
# [lat, lng] of every individual site marker on the map (run in the map frame)
# What each layer draws in the map frame (sites: points or clusters)
LAYER_SELECTORS = {
    "countries": ["path.asmgeo-assessed"],
    "sites": ["path.asmgeo-site", "path.asmgeo-cluster"],
    "mercury": ["path.asmgeo-mercury"],
    "tailings": ["path.asmgeo-tailings"],
    "geology_units": ["path.asmgeo-geology"],
    "geology_raster": ["img.asmgeo-geology-raster"],
}
SITE_MARKERS_JS = """() => {
    const out = [];
    if (!window.map) return out;  // the frame is there before its script made the map: none drawn yet
    window.map.eachLayer(l => {
        if (l.options && l.options.className === 'asmgeo-site' && l.getLatLng) {
            const p = l.getLatLng(); out.push([p.lat, p.lng]);
        }
    });
    return out;
}"""

SERVER_START_TIMEOUT_S = 60
APP_RUN_TIMEOUT_S = 60
APP_STABLE_S = 1.0
# A test that walks a whole user story (a demo built on a fresh store, a second server, downloads) may take
# longer than pytest.ini's 300 s per-test guard on a loaded 2-core machine while every step still progresses.
SCENARIO_TIMEOUT_S = 900


# --------------------------------------------------------------------------- hooks


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/e2e with ``e2e``."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so fixtures can see whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# ----------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(path: Path, lines: int = 60) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"<no server log: {exc}>"
    return "\n".join(text.splitlines()[-lines:])


def _stop_process_group(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def streamlit_server(request):
    """A ``streamlit run app.py`` shared by the session, on an empty temp store; its base URL."""
    with serve_app(request) as base_url:
        yield base_url


@pytest.fixture
def fresh_server(request):
    """A server of its own for one test, started on an empty temp store; its base URL."""
    with serve_app(request) as base_url:
        yield base_url


@contextmanager
def serve_app(request, env: dict[str, str] | None = None, prepare=None):
    """Start ``streamlit run app.py`` on a free port with an empty temp store; yield its base URL.

    ``env`` adds or overrides environment variables of the server. ``prepare(tmp, env)``, if
    given, runs before the server starts, with the temp dir and the server's full environment
    (``env["ASMGEO_STORE"]``, ``env["ASMGEO_RASTER_DIR"]``), e.g. to build a store there.
    The temp dir (store, rasters, ``streamlit.log``) is removed afterwards unless a test failed.
    """
    tmp = Path(tempfile.mkdtemp(prefix="asmgeo-e2e-"))
    server_env = dict(os.environ)
    server_env["ASMGEO_STORE"] = str(tmp / "store.gpkg")
    server_env["ASMGEO_RASTER_DIR"] = str(tmp / "rasters")
    server_env.setdefault("PYTHONUNBUFFERED", "1")
    server_env.update(env or {})
    env = server_env
    if prepare is not None:
        try:
            prepare(tmp, dict(env))
        except BaseException:
            print(f"\n[e2e] kept {tmp} (preparing the server failed)")
            raise
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp / "streamlit.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # ignore *_proxy env
    healthy = False
    try:
        started = time.monotonic()
        deadline = started + SERVER_START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"streamlit exited with code {proc.returncode} before becoming healthy.\n"
                    f"command: {' '.join(cmd)}\nlog {log_path}:\n{_log_tail(log_path)}",
                    pytrace=False,
                )
            try:
                with no_proxy.open(f"{base_url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200 and resp.read().decode().strip() == "ok":
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit not healthy at {base_url} after {SERVER_START_TIMEOUT_S}s.\n"
                    f"log {log_path}:\n{_log_tail(log_path)}",
                    pytrace=False,
                )
            time.sleep(0.25)
        healthy = True
        print(f"\n[e2e] streamlit healthy at {base_url} after {time.monotonic() - started:.1f}s "
              f"(log: {log_path})")
        yield base_url
    finally:
        _stop_process_group(proc)
        if not healthy or request.session.testsfailed:
            print(f"\n[e2e] kept {tmp} (server log: {log_path})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium via playwright (playwright's own browser download is not used)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing; the real-browser tests need it. "
            "Install it with: apt-get update && apt-get install -y --no-install-recommends chromium",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "ws", "wss"):
        return True  # data:, blob:, about: never leave the machine
    return (parts.hostname or "") in LOCAL_HOSTS


_RECORD_ERRORS_JS = """
window.__asmgeoErrors = [];
window.addEventListener('error', (e) => window.__asmgeoErrors.push(
    String(e.error && e.error.stack || e.message)));
window.addEventListener('unhandledrejection', (e) => window.__asmgeoErrors.push(
    'unhandled rejection: ' + String(e.reason && e.reason.stack || e.reason)));
"""


@pytest.fixture
def page(browser, request):
    """A fresh page (1400x1000) whose non-local requests are aborted and recorded.

    Attached lists: ``page.aborted_urls``, ``page.console_errors``, ``page.page_errors``;
    every frame also records its uncaught errors in ``window.__asmgeoErrors``.
    On failure a full-page screenshot goes to ``tests/e2e/artifacts/<test name>.png``.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    aborted: list[str] = []
    console_errors: list[str] = []
    page_errors: list[str] = []

    def handle(route):
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            aborted.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", handle)
    context.add_init_script(_RECORD_ERRORS_JS)  # runs in every frame, iframes included
    pg = context.new_page()
    pg.aborted_urls = aborted
    pg.console_errors = console_errors
    pg.page_errors = page_errors
    pg.on("console", lambda msg: console_errors.append(f"{msg.text} @ {msg.location}")
          if msg.type == "error" else None)
    # A rejected promise whose reason is not an Error (e.g. a failed <script> load Event)
    # arrives with an empty name.
    pg.on("pageerror", lambda exc: page_errors.append(
        f"{exc.name}: {exc.message}" if exc.name else f"non-Error thrown or rejected: {exc.message}"))
    try:
        yield pg
    finally:
        failed = any(
            getattr(getattr(request.node, f"rep_{when}", None), "failed", False)
            for when in ("setup", "call")
        )
        if failed:
            ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
            try:
                pg.screenshot(path=str(ARTIFACTS_DIR / f"{name}.png"), full_page=True, timeout=15_000)
            except Exception as exc:  # a dead page must not hide the real failure
                print(f"[e2e] screenshot failed: {exc}")
        context.close()


# ---------------------------------------------------------------------- helpers


_APP_IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return false;
    const conn = app.getAttribute('data-test-connection-state');
    const state = app.getAttribute('data-test-script-state');
    if (conn !== null && conn !== 'CONNECTED') return false;
    if (state !== null && state !== 'notRunning' && state !== 'compilationError') return false;
    return !document.querySelector('[data-testid="stStatusWidget"] [data-testid^="stStatusWidgetRunning"]');
}"""


def wait_for_app(page, timeout: float = APP_RUN_TIMEOUT_S, stable: float = APP_STABLE_S) -> None:
    """Wait until the Streamlit app is connected and its script run has finished (stable for ``stable`` s)."""
    deadline = time.monotonic() + timeout
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout * 1000)
    idle_since = None
    while True:
        now = time.monotonic()
        if page.evaluate(_APP_IDLE_JS):
            idle_since = idle_since or now
            if now - idle_since >= stable:
                return
        else:
            idle_since = None
        if now > deadline:
            state = page.evaluate(
                "() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
                " return a && [a.getAttribute('data-test-connection-state'),"
                " a.getAttribute('data-test-script-state')]; }"
            )
            raise AssertionError(f"Streamlit app still busy after {timeout}s (connection, script state: {state})")
        page.wait_for_timeout(100)


def map_frame(page, timeout: float = APP_RUN_TIMEOUT_S):
    """The Frame of the first streamlit-folium map component (iframe URL contains ``streamlit_folium``)."""
    deadline = time.monotonic() + timeout
    while True:
        for frame in page.frames:
            if "streamlit_folium" in frame.url:
                return frame
        if time.monotonic() > deadline:
            urls = [f.url for f in page.frames]
            raise AssertionError(f"no streamlit_folium iframe after {timeout}s; frames: {urls}")
        page.wait_for_timeout(100)
