"""A real browser for the kit's web-page tests: Debian's chromium, driven by Playwright.

    from grader.tests.browser import Browser, chromium_or_fail

    def test_page(tmp_path):
        with Browser.launch(allowed="http://127.0.0.1:8123/") as browser:
            page = browser.open("http://127.0.0.1:8123/index.html")
            ...
            assert not browser.problems, browser.problems

Playwright drives the system chromium (`executable_path`); it never downloads a browser of its
own (`playwright install` is not used). The browser starts headless with a fresh profile and with
its own background traffic turned off, and every request is routed through the test: a request
outside `allowed` is recorded and aborted, so a page that tries to reach the network fails the
test instead of slowing it. Console errors, page errors, failed requests and HTTP errors are
recorded in `problems` too.

When chromium or Playwright is missing, `chromium_or_fail()` fails the test under CI=true (CI
installs both: `.ci/run` and the dev extra) and skips it elsewhere, saying why either way.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
INSTALL = "apt-get install chromium (as .ci/run does) and pip install -e '.[dev]' (Playwright)"
# Screenshots and other artifacts of the browser tests: build/ is git-ignored; the tests print
# where they wrote. HEXAHYPE_ARTIFACTS moves them.
ARTIFACTS = Path(
    os.environ.get("HEXAHYPE_ARTIFACTS")
    or Path(__file__).resolve().parents[2] / "build" / "test-artifacts"
)


def chromium_path() -> str | None:
    """Debian's chromium (or the Chromium or Chrome a CI image ships), or the one
    HEXAHYPE_CHROMIUM names."""
    env = os.environ.get("HEXAHYPE_CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_or_fail() -> str:
    """The chromium executable; when it (or Playwright) is missing, fail under CI, else skip."""
    missing = []
    exe = chromium_path()
    if exe is None:
        missing.append("chromium is not installed")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright is not installed")
    if missing:
        message = f"browser tests need a real browser: {'; '.join(missing)}. Install: {INSTALL}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    assert exe is not None
    return exe


@dataclass
class Browser:
    """One chromium with one fresh profile; every page it opens is watched."""

    context: Any
    allowed: tuple[str, ...]
    problems: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @classmethod
    @contextmanager
    def launch(
        cls, allowed: str | tuple[str, ...], width: int = 1100, height: int = 900
    ) -> Iterator[Browser]:
        """Start chromium; only URLs starting with one of `allowed` may load."""
        exe = chromium_or_fail()
        from playwright.sync_api import sync_playwright

        prefixes = (allowed,) if isinstance(allowed, str) else tuple(allowed)
        with tempfile.TemporaryDirectory(prefix="hexahype-chromium-") as profile:
            with sync_playwright() as pw:
                context = pw.chromium.launch_persistent_context(
                    profile,
                    executable_path=exe,
                    headless=True,
                    args=list(ARGS),
                    viewport={"width": width, "height": height},
                    service_workers="block",
                )
                browser = cls(context=context, allowed=prefixes)
                context.route("**/*", browser._route)
                try:
                    yield browser
                finally:
                    context.close()

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.allowed):
            self.requests.append(url)
            route.continue_()
        else:
            self.blocked.append(url)
            self.problems.append(f"request outside the site: {url}")
            route.abort("blockedbyclient")

    def watch(self, page: Any) -> Any:
        """Record the page's console errors, uncaught errors, failed requests and HTTP errors."""

        def on_console(msg: Any) -> None:
            if msg.type == "error":
                self.problems.append(f"console error on {page.url}: {msg.text}")

        def on_failed(request: Any) -> None:
            # ERR_ABORTED: the page was left before a load finished (a lazy figure, say);
            # image_problems() checks that every figure does load.
            if request.url not in self.blocked and "ERR_ABORTED" not in str(request.failure):
                self.problems.append(f"request failed: {request.url} ({request.failure})")

        def on_response(response: Any) -> None:
            if response.status >= 400:
                self.problems.append(f"HTTP {response.status} for {response.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.problems.append(f"error on {page.url}: {exc}"))
        page.on("requestfailed", on_failed)
        page.on("response", on_response)
        return page

    def new_page(self) -> Any:
        return self.watch(self.context.new_page())

    def open(self, url: str, page: Any = None) -> Any:
        """Go to `url` (in `page`, or a new watched page) and wait until it has loaded."""
        page = page or self.new_page()
        response = page.goto(url, wait_until="load")
        if response is not None and not response.ok:
            self.problems.append(f"HTTP {response.status} for {url}")
        return page


def artifact(name: str) -> Path:
    """A path for a test artifact (a screenshot, say) under build/test-artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


# -- checks any page test can run on an open page -----------------------------------------------
_CONTRAST_JS = r"""
() => {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a),
  });
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let out = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i--) out = { ...over(layers[i], out), a: 1 };
    return out;
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const seen = new Set();
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || seen.has(el) || !node.textContent.trim()) continue;
    seen.add(el);
    const cs = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (cs.visibility === "hidden" || box.width === 0 || box.right <= 0 || box.bottom <= 0) continue;
    const bg = background(el);
    const fg = over(parse(cs.color), bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(cs.fontSize);
    const large = size >= 24 || (parseInt(cs.fontWeight, 10) >= 700 && size >= 18.66);
    const need = large ? 3 : 4.5;
    if (ratio < need) {
      out.push(`${el.tagName.toLowerCase()}.${el.className} "${node.textContent.trim().slice(0, 40)}": ` +
               `${ratio.toFixed(2)}:1 (needs ${need}:1)`);
    }
  }
  return out;
}
"""


def contrast_failures(page: Any) -> list[str]:
    """Every visible text whose colour on its background is below WCAG AA (4.5:1, or 3:1 for
    large text), as one line each."""
    return list(page.evaluate(_CONTRAST_JS))


def heading_problems(page: Any) -> list[str]:
    """One h1, and no heading level skipped on the way down (h2 then h4, say)."""
    levels = page.evaluate(
        "() => Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'))"
        ".map(h => [Number(h.tagName[1]), h.textContent.trim()])"
    )
    out = []
    if [lvl for lvl, _ in levels].count(1) != 1:
        out.append(f"{page.url}: {[lvl for lvl, _ in levels].count(1)} h1 headings, not one")
    for (prev, _), (lvl, text) in zip(levels, levels[1:]):
        if lvl > prev + 1:
            out.append(f"{page.url}: h{lvl} {text!r} follows an h{prev}")
    return out


def image_problems(page: Any) -> list[str]:
    """Every image loaded (lazy ones are made eager first) and has alt text."""
    return list(
        page.evaluate(
            """async () => {
              const imgs = Array.from(document.images);
              imgs.forEach(i => { i.loading = "eager"; });
              await Promise.all(imgs.map(i => i.decode().catch(() => null)));
              const out = [];
              for (const i of imgs) {
                if (!i.complete || i.naturalWidth === 0) out.push(`${i.src} did not load`);
                if (!(i.getAttribute("alt") || "").trim()) out.push(`${i.src} has no alt text`);
              }
              return out;
            }"""
        )
    )


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than its viewport (0: nothing scrolls sideways)."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))


# -- accessibility: axe-core, as the axe-playwright-python wheel ships it ------------------------
def _axe_source() -> str:
    from importlib import resources

    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")


# The axe rules whose outcome depends on colours alone (the rest read the DOM, names, roles and
# layout, which a change of theme leaves as they are).
AXE_COLOUR_RULES = ("color-contrast", "link-in-text-block")


def axe_violations(page: Any, colours: bool = True, others: bool = True) -> list[str]:
    """Every axe-core violation on the open page, as one line each: rule, impact, and the first
    elements concerned. `others`: every rule but the experimental ones and the colour rules;
    `colours`: the colour rules (AXE_COLOUR_RULES). The script is evaluated through the DevTools
    protocol, so the page's own Content-Security-Policy does not stop it.

    The colour rules skip the highlighted code (`.code pre`): its thousands of token spans take
    most of axe's time, and their colours are the Pygments styles', which
    test_every_highlighting_colour_has_enough_contrast_on_the_code_background checks against
    each theme's code background (contrast_failures() checks them on the page too)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    found = page.evaluate(
        """async ([colourRules, colours, others]) => {
          const opts = { resultTypes: ["violations"] };
          const off = Object.fromEntries(colourRules.map(r => [r, { enabled: false }]));
          const rest = !others ? { violations: [] } :
            await axe.run(document, { ...opts, rules: off });
          const colour = !colours ? { violations: [] } :
            await axe.run({ exclude: [[".code pre"]] }, { ...opts, runOnly: colourRules });
          return rest.violations.concat(colour.violations).map(v => [v.id, v.impact, v.help,
                                        v.nodes.slice(0, 3).map(n => n.target.join(" "))]);
        }""",
        [list(AXE_COLOUR_RULES), colours, others],
    )
    return [f"{page.url}: {rule} ({impact}) {text}: {nodes}" for rule, impact, text, nodes in found]
