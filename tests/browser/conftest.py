"""Browser tests: the real app server on a loopback port, driven by a real Chromium.

Every test in this folder is marked `browser`, and the folder is skipped when there is no
Chromium to drive (set CHROMIUM_PATH to use one elsewhere than /usr/bin/chromium).
Playwright's own browser downloads are not used: the system's Chromium is launched.

Fixtures:
  live_server  base URL of the app, served by werkzeug in a thread, against the test
               database (emptied after each test by the autouse fixture of tests/conftest.py),
               with CSRF protection switched ON, so forms travel with their real tokens
  browser      one Chromium for the session
  page         a fresh context per test, desktop viewport (1280x900)
  phone_page   a fresh context per test, phone viewport (390x844, touch)
  sized_page   parametrized: the test runs with a desktop page, then with a phone page
  new_page     new_page(**context_options) for anything else (e.g. java_script_enabled=False)
  check_axe    check_axe(page) asserts axe-core finds no WCAG 2.2 A/AA violation
  login_as     login_as(page, base_url, email) logs in through the real login form
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "vendor" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery"  # noqa: S105  (the same as tests/conftest.py)
# A page answers in milliseconds, but CI shares two cores with a database and a queue worker:
# a 5 s limit failed there on a loaded machine. Actions, navigations and expect() all use this.
TIMEOUT_MS = 20_000

_skip_reason = None
if not Path(CHROMIUM).exists():
    _skip_reason = (f"no Chromium at {CHROMIUM} (install Debian's `chromium` package "
                    "or set CHROMIUM_PATH)")
elif importlib.util.find_spec("playwright") is None:
    _skip_reason = "the playwright Python package is not installed (pip install -e '.[test]')"


def pytest_collection_modifyitems(config, items):
    # A conftest hook sees every collected item, so keep to the ones in this folder.
    for item in items:
        if HERE not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if _skip_reason:
            item.add_marker(pytest.mark.skip(reason=_skip_reason))


# --- the server --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _server(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture
def live_server(app, _server, monkeypatch):
    """Base URL (no trailing slash). Depends on `app`, so the database is emptied afterwards."""
    # The test config turns CSRF off for the test client; a browser sends real tokens.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    return _server


# --- the browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                          headless=True)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser):
    """new_page(**context_options) -> a page in a fresh context; all closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


CONTEXTS = {
    "desktop": {"viewport": DESKTOP},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 3},
}


@pytest.fixture
def page(new_page):
    return new_page(**CONTEXTS["desktop"])


@pytest.fixture
def phone_page(new_page):
    return new_page(**CONTEXTS["phone"])


@pytest.fixture(params=list(CONTEXTS))
def sized_page(request, new_page):
    """The test runs twice: once on a desktop page, once on a phone page."""
    return new_page(**CONTEXTS[request.param])


# --- helpers -----------------------------------------------------------------------------


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def check_axe(page, *, tags=AXE_TAGS) -> None:
    """Assert that axe-core finds no violation of WCAG 2.0-2.2 A/AA on the current page.

    axe is evaluated through the DevTools protocol: the app's CSP (script-src 'self')
    blocks inline <script> tags, which is what add_script_tag would insert.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", tags)
    violations = result["violations"]
    assert not violations, (f"{len(violations)} axe violation(s) on {page.url} "
                            f"(viewport {page.viewport_size}):\n{_describe(violations)}")


def login_as(page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the login form, as a person would, and wait for the welcome."""
    from playwright.sync_api import expect

    page.goto(f"{base_url}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status").filter(has_text="Welcome")).to_be_visible()


@pytest.fixture(name="check_axe")
def _check_axe_fixture():
    return check_axe


@pytest.fixture(name="login_as")
def _login_as_fixture():
    return login_as
