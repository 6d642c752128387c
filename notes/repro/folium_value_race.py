"""Does a value streamlit-folium sends while Streamlit is busy with a run reach the script?

Usage (repo root, venv active):  python notes/repro/folium_value_race.py [trials]

Starts ``streamlit run notes/repro/folium_value_app.py`` and drives headless chromium. Each trial
moves the map twice (``map.setView``), the second move a random 0-1.5 s after the first, so the
second value reaches the server at a random point of the run the first value started: while it
runs, while it finishes (the app's last 0.4 s is pure Python), or after it. Then, once the app has
been idle for 3 s, it compares the view the map last sent (streamlit-folium's
``__GLOBAL_DATA__.previous_data``) with the view the script last received (printed by the app).
A trial where they differ is a dropped value: streamlit-folium never sends the same view again.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
APP = "notes/repro/folium_value_app.py"
IDLE_JS = """() => { const a = document.querySelector('[data-testid="stApp"]');
    return !!a && a.getAttribute('data-test-script-state') === 'notRunning'; }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_idle(page, quiet: float = 3.0, timeout: float = 60.0) -> None:
    """Until the script has not been running for ``quiet`` seconds."""
    end, since = time.monotonic() + timeout, None
    while time.monotonic() < end:
        if page.evaluate(IDLE_JS):
            since = since or time.monotonic()
            if time.monotonic() - since >= quiet:
                return
        else:
            since = None
        page.wait_for_timeout(50)
    raise TimeoutError("app never idle")


def main(trials: int) -> int:
    port = free_port()
    log_path = Path(tempfile.mkdtemp(prefix="folium-value-race-")) / "server.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", APP, "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page()
            # Streamlit serves ./static next to the main script; the app's assets are the repo's
            page.route("**/app/static/**", lambda route: route.fulfill(
                path=str(ROOT / "static" / route.request.url.split("/app/static/", 1)[1].split("?")[0])))
            page.goto(base)
            page.wait_for_function("() => [...document.querySelectorAll('iframe')].some(f => f.src.includes('streamlit_folium'))",
                                   timeout=60_000)
            frame = None
            while frame is None:
                frame = next((f for f in page.frames if "streamlit_folium" in f.url), None)
                page.wait_for_timeout(100)
            frame.wait_for_function("() => window.map && window.__GLOBAL_DATA__", timeout=60_000)
            wait_idle(page)
            dropped = 0
            for trial in range(1, trials + 1):
                zoom1, zoom2 = random.choice([(3, 4), (4, 5), (5, 3)])
                frame.evaluate(f"() => window.map.setView([{random.uniform(-40, 40):.3f}, {random.uniform(-90, 90):.3f}], {zoom1})")
                page.wait_for_timeout(random.randint(0, 1500))
                frame.evaluate(f"() => window.map.setView([{random.uniform(-40, 40):.3f}, {random.uniform(-90, 90):.3f}], {zoom2})")
                page.wait_for_timeout(600)  # streamlit-folium sends 250 ms after moveend
                wait_idle(page)
                sent = frame.evaluate("() => window.__GLOBAL_DATA__.previous_data")
                got = json.loads(page.locator('[data-testid="stCode"] code').last.inner_text())
                same = got["zoom"] == sent["zoom"] and got["bounds"] == sent["bounds"]
                dropped += not same
                print(f"trial {trial}: map sent zoom {sent['zoom']}, script has zoom {got['zoom']} (run {got['run']})"
                      + ("" if same else "  <-- DROPPED: the script never received the map's last value"), flush=True)
            browser.close()
        print(f"{dropped} of {trials} trials lost the map's last value (server log: {log_path})")
        return 1 if dropped else 0
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
