"""`hexahype site`: the course as a static web site, checked as files and in a real browser.

The browser checks run in one chromium session (grader/tests/browser.py) against the site served
by `hexahype site --serve`'s own server on the loopback address.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from grader import cli, manifest, quizbank
from grader import site_workflow as pages
from grader.authoring import release
from grader.authoring.site import build, command, model, quizdata, render, serve
from grader.authoring.site.errors import SiteError
from grader.learner import quiz as quiz_verb
from grader.tests import browser as browsing
from grader.tests.conftest import ROOT, copy_course
from grader.tests.test_instructor import _actionlint

SEED_LESSONS = 15  # the seed outline's "0 of 15 read"
PAPERS = {url for _, url in render.PAPERS}


@pytest.fixture(scope="module")
def course() -> manifest.Course:
    return manifest.load(ROOT)


@pytest.fixture(scope="module")
def site(course: manifest.Course, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build.build(course, tmp_path_factory.mktemp("site") / "out").out


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a" and a.get("href"):
            self.hrefs.append(str(a["href"]))
        if tag in ("img", "script") and a.get("src"):
            self.srcs.append(str(a["src"]))
        if tag == "link" and a.get("href"):
            self.srcs.append(str(a["href"]))


def _parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


# -- the build, as files ------------------------------------------------------------------------
def test_cli_builds_one_page_per_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEXAHYPE_ROOT", str(ROOT))
    out = tmp_path / "site"
    assert cli.main(["site", str(out)]) == 0
    said = capsys.readouterr().out
    course = manifest.load(ROOT)
    assert f"wrote {len(course.entries)} pages" in said, said
    for entry in course.entries:
        page = out / model.page_path(entry)
        assert page.is_file(), f"no page for {entry.id} at {page}"
        text = page.read_text(encoding="utf-8")
        assert f"<title>{entry.id} {entry.title} · {course.name}</title>" in text.replace(
            "&#39;", "'"
        ), f"{page.name}: the title is not the manifest's"
    assert (out / "index.html").is_file()
    # a second build replaces the first
    assert cli.main(["site", str(out)]) == 0


def test_site_counts_the_seeds_fifteen_lessons(course: manifest.Course, site: Path) -> None:
    plan = model.plan(course)
    assert len(plan.required) == SEED_LESSONS == len(course.core_lessons)
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"0 of {SEED_LESSONS} read" in home
    assert "Start reading" in home


def test_every_link_and_asset_of_every_page_is_in_the_site(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    parsed = {p: _parse(p) for p in pages}
    papers = {url for _, url in render.PAPERS}
    for page, links in parsed.items():
        for ref in links.srcs:
            if re.match(r"^[a-z]+:", ref):
                pytest.fail(f"{page.relative_to(site)} loads from outside the site: {ref}")
        for ref in links.hrefs:
            if ref in papers:
                continue  # a paper's own page: a link to follow, never a resource loaded
            if re.match(r"^[a-z]+:", ref):
                pytest.fail(f"{page.relative_to(site)} links out of the site: {ref}")
            path, _, frag = ref.partition("#")
            target = (page.parent / path).resolve() if path else page
            assert target.is_file(), f"{page.relative_to(site)}: {ref} is not in the site"
            if frag and target.suffix == ".html":
                assert frag in parsed[target].ids, f"{page.relative_to(site)}: no #{frag} in {path}"


def test_lesson_pages_name_the_stub_and_the_check_command(
    course: manifest.Course, site: Path
) -> None:
    for entry in course.lessons:
        text = (site / model.page_path(entry)).read_text(encoding="utf-8")
        stub = entry.exercise_path.relative_to(course.root).as_posix()
        card = text.split('<aside class="your-turn"', 1)[1].split("</aside>", 1)[0]
        assert stub in card and f"hexahype check {entry.id}" in card, entry.id
        assert all(f"<code>{t}</code>" in card for t in entry.tasks), entry.id
        assert text.index('id="your-turn"') < text.index('<aside class="your-turn"'), entry.id
        assert 'class="code source"' in text and 'class="copy"' in text, entry.id
        assert "Mark as read" in text, entry.id


def test_quiz_pages_keep_the_key_hashed_and_explain_every_choice(
    course: manifest.Course, site: Path
) -> None:
    for entry in course.quizzes:
        quiz = quizbank.load_quiz(entry)
        html = (site / model.page_path(entry)).read_text(encoding="utf-8")
        data = json.loads(html.split('id="quiz-data">', 1)[1].split("</script>", 1)[0])
        assert data["quiz"] == entry.id and data["chapter"] == quiz.chapter
        assert [q["id"] for q in data["questions"]] == quiz.ids
        for q, shown in zip(quiz.questions, data["questions"]):
            assert shown["key"] == q.key
            assert set(shown) == {"id", "key", "explanations"}, "the answer is not in the page"
            for c in q.choices:
                decoded = base64.b64decode(shown["explanations"][c.letter]).decode("utf-8")
                assert decoded == render.inline_code(c.explanation)
                # an explanation tells the right answer away: never in clear text in the page
                assert c.explanation[:40] not in html, f"{quiz.id} {q.id} {c.letter}"
                assert render.inline_code(c.text) in html


def test_the_student_template_builds_the_same_site(
    course: manifest.Course, site: Path, tmp_path: Path
) -> None:
    template = tmp_path / "template"
    release.build(course, template)
    assert not list(template.glob("lessons/*/*.toml")), "quizzes ship sealed"
    again = build.build(manifest.load(template), tmp_path / "site").out
    assert _files(again) == _files(site)


def test_build_refuses_a_figure_without_alt_text_or_file(tmp_path: Path) -> None:
    root = copy_course(tmp_path / "course", ("course.toml", "lessons"))
    text = root / "lessons" / "ch1_tokens" / "1.3-byte-pair-encoding.md"
    original = text.read_text(encoding="utf-8")
    text.write_text(re.sub(r"!\[[^\]]*\]", "![ ]", original, count=1), encoding="utf-8")
    with pytest.raises(
        SiteError, match=r"lesson 1\.3: the image \.\./figures/1\.3-bpe-merges\.svg"
    ):
        build.build(manifest.load(root), tmp_path / "a")
    text.write_text(original.replace("1.3-bpe-merges.svg", "missing.svg"), encoding="utf-8")
    with pytest.raises(SiteError, match=r"lesson 1\.3: the image .*missing\.svg is not a file"):
        build.build(manifest.load(root), tmp_path / "b")
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_lesson_html_is_inert_and_links_follow_the_files(tmp_path: Path) -> None:
    root = copy_course(tmp_path / "course", ("course.toml", "lessons"))
    text = root / "lessons" / "ch1_tokens" / "1.1-why-models-need-numbers.md"
    text.write_text(
        text.read_text(encoding="utf-8")
        + "\n<script>alert(1)</script> <img src=x onerror=alert(2)>\n\n"
        "See [the BPE lesson](1.3-byte-pair-encoding.md#a-worked-example-by-hand), "
        "[the trainer](../../scripts/train_tokenizer.py) and [Python](https://docs.python.org/).\n",
        encoding="utf-8",
    )
    out = build.build(manifest.load(root), tmp_path / "site").out
    html = (out / "ch1_tokens" / "1.1-why-models-need-numbers.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert (
        '<a href="1.3-byte-pair-encoding.html#a-worked-example-by-hand">the BPE lesson</a>' in html
    )
    assert "the trainer" in html and "train_tokenizer.py" not in html
    assert '<a href="https://docs.python.org/">Python</a>' in html


def test_build_replaces_only_an_earlier_site(course: manifest.Course, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(SiteError, match="holds no earlier site"):
        build.build(course, other)
    assert (other / "notes.txt").read_text() == "mine"
    with pytest.raises(SiteError, match="the course itself"):
        build.build(course, ROOT)
    out = tmp_path / "site"
    build.build(course, out)
    (out / "stale.html").write_text("old")
    build.build(course, out)
    assert not (out / "stale.html").exists()


def test_an_optional_chapter_is_a_capstone_outside_the_count(
    course: manifest.Course, site: Path
) -> None:
    chapter = next(c for c in course.chapters if c.optional)
    first = next(e for e in course.entries if e.optional)
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"Capstone · Chapter {chapter.number} · {chapter.title}" in home
    assert f"0 of {SEED_LESSONS} read" in home
    data = json.loads(home.split('id="site-data">', 1)[1].split("</script>", 1)[0])
    assert first.id in data["pages"] and first.id not in data["required"]
    assert len(data["required"]) == SEED_LESSONS
    last_quiz = [e for e in course.entries if not e.optional][-1]
    quiz = (site / model.page_path(last_quiz)).read_text(encoding="utf-8")
    assert model.page_path(first).split("/")[-1] in quiz, "the last quiz leads on to the capstone"
    lesson = (site / model.page_path(first)).read_text(encoding="utf-8")
    stub = first.exercise_path.relative_to(course.root).as_posix()
    assert f"Capstone · Chapter {chapter.number}" in lesson and stub in lesson


def test_without_the_site_extra_the_verb_names_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import grader.authoring.site as package

    monkeypatch.setenv("HEXAHYPE_ROOT", str(ROOT))
    for name in ("build", "render", "quizdata"):  # modules that import the extra's packages
        monkeypatch.delitem(sys.modules, f"grader.authoring.site.{name}", raising=False)
        monkeypatch.delattr(package, name, raising=False)
    monkeypatch.setitem(sys.modules, "jinja2", None)  # import jinja2 -> ModuleNotFoundError
    assert cli.main(["site", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()
    err = capsys.readouterr().err.strip()
    assert err == ("hexahype site: needs the site extra (jinja2 is missing): " + command.INSTALL), (
        err
    )
    assert command.INSTALL == 'pip install -e ".[site]"'


def test_without_pagefind_the_verb_names_the_install_command_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setenv("HEXAHYPE_ROOT", str(ROOT))
    monkeypatch.setattr(
        build.importlib.util,
        "find_spec",
        lambda name, *a: None if name == build.PAGEFIND else real(name, *a),
    )
    assert cli.main(["site", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()
    err = capsys.readouterr().err.strip()
    assert (
        err == f"hexahype site: needs the site extra (pagefind_bin is missing): {command.INSTALL}"
    )


def test_pages_workflow_ships_in_the_template_and_passes_actionlint(
    course: manifest.Course, tmp_path: Path
) -> None:
    template = tmp_path / "template"
    release.build(course, template)
    path = template / pages.TEMPLATE_COPY
    text = path.read_text(encoding="utf-8")
    assert text == pages.workflow_text(course)
    assert json.loads((template / release.RELEASE_FILE).read_text())["files"][
        pages.TEMPLATE_COPY.as_posix()
    ]
    assert "permissions: {}" in text and "pytest" not in text and "classroom" not in text
    assert "if: vars.HEXAHYPE_PAGES == 'true'" in text
    assert "hexahype site _site" in text and '-e ".[site]"' in text
    for action in ("checkout", "setup-python", "upload-pages-artifact", "deploy-pages"):
        ref = text.split(f"actions/{action}@", 1)[1].split()[0]
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{action} is not pinned by SHA: {ref}"
    tool = _actionlint()
    if tool is None:
        pytest.fail("actionlint is not installed (pip install -e '.[dev]')")
    proc = subprocess.run([tool, "-no-color", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_serve_builds_then_serves_on_localhost_until_interrupted(tmp_path: Path) -> None:
    env = {**os.environ, "HEXAHYPE_ROOT": str(ROOT), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader", "site", str(tmp_path / "s"), "--serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline(), proc.stdout.readline()]
        url = re.search(r"on (http://127\.0\.0\.1:\d+/)", lines[1])
        assert url, lines
        with urllib.request.urlopen(url.group(1) + "index.html", timeout=10) as resp:
            assert resp.status == 200 and b"Table of contents" in resp.read()
            assert resp.headers["Cache-Control"] == "no-store"
        # served from a checkout, the status address answers from it (the static file says no)
        with urllib.request.urlopen(url.group(1) + "assets/status.json", timeout=10) as resp:
            live = json.loads(resp.read())
        assert live["available"] is True and set(live["lessons"]) == {
            e.id for e in manifest.load(ROOT).lessons
        }
        static = json.loads((tmp_path / "s" / build.STATUS_PATH).read_text(encoding="utf-8"))
        assert static["available"] is False
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err


# -- formulas, links, outlines, search and status, as files ---------------------------------------
def _lesson_html(site: Path, course: manifest.Course, lesson_id: str) -> str:
    return (site / model.page_path(course.get(lesson_id))).read_text(encoding="utf-8")


def test_every_tex_formula_of_every_lesson_is_mathml(course: manifest.Course, site: Path) -> None:
    md = render.markdown()
    typeset = 0
    for entry in course.lessons:
        tokens = md.parse(entry.text_path.read_text(encoding="utf-8"))
        spans = [t for t in tokens if t.type == "math_block"]
        spans += [c for t in tokens if t.children for c in t.children if c.type == "math_inline"]
        html = _lesson_html(site, course, entry.id)
        assert html.count("<math ") == len(spans), entry.id
        assert html.count('<div class="math-block"') == sum(t.type == "math_block" for t in spans)
        for span in spans:
            assert f"${span.content}$" not in html, f"{entry.id}: ${span.content}$ left as text"
        typeset += len(spans)
    assert typeset >= 20, "the lessons' formulas are TeX"
    html = _lesson_html(site, course, "2.4")
    assert "<msqrt>" in html and 'display="block"' in html  # sqrt(d_h) and GELU's formula


def test_dollars_that_are_not_formulas_stay_text_and_bad_tex_is_refused(tmp_path: Path) -> None:
    md = render.markdown()
    html = md.render("It costs $5 and $10. Spaced $ x $ is not maths; $a \\cdot b$ is.\n")
    assert "$5 and $10" in html and "$ x $" in html and html.count("<math ") == 1
    assert "<mo>&#x000B7;</mo>" in html  # \\cdot
    root = copy_course(tmp_path / "course", ("course.toml", "lessons"))
    text = root / "lessons" / "ch1_tokens" / "1.1-why-models-need-numbers.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nA $\\nosuch{x}$ formula.\n")
    with pytest.raises(SiteError, match=r"lesson 1\.1: the formula \$\\nosuch\{x\}\$ uses"):
        build.build(manifest.load(root), tmp_path / "site")


def test_lesson_numbers_in_the_text_link_to_their_pages(course: manifest.Course) -> None:
    plan = model.plan(course)
    lessons = [p for p in plan.pages if p.entry.is_lesson]
    linker = render.Linker(
        lessons_root=course.root / "lessons",
        pages={p.source.resolve(): p.path for p in lessons},
        ids={p.id: p.path for p in lessons},
    )
    page = plan.page("1.2")
    assert page is not None
    text = (
        "As lesson 1.3 shows, and lessons 1.4 and 1.5, lessons 1.6, 1.7 or 1.8 too. This is\n"
        "lesson 1.2 (no link to itself); `lesson 1.9` is code, [lesson 2.1](https://example.org/) a link,\n"
        "and lesson 9.9 does not exist.\n"
    )
    out = render.render_lesson(text, page.source, page.path, linker, lambda: "")
    linked = re.findall(r'<a href="([^"]+)" class="xref">([^<]+)</a>', out.html)
    assert [n for _, n in linked] == [
        "lesson 1.3",
        "lessons 1.4",
        "1.5",
        "lessons 1.6",
        "1.7",
        "1.8",
    ], out.html
    assert linked[0][0] == "1.3-byte-pair-encoding.html"
    assert "lesson 1.2 (no link" in out.html and "<code>lesson 1.9</code>" in out.html
    assert '<a href="https://example.org/">lesson 2.1</a>' in out.html  # a link stays one link
    assert "lesson 9.9 does not exist" in out.html


def test_the_lessons_cross_references_and_papers_are_links(
    course: manifest.Course, site: Path
) -> None:
    xrefs = 0
    for entry in course.lessons:
        html = _lesson_html(site, course, entry.id)
        article = html.split('<article class="lesson"', 1)[1].split("</article>", 1)[0]
        xrefs += article.count('class="xref"')
        further = article.split('id="going-further"', 1)[-1].split("<h2", 1)[0]
        if 'id="going-further"' not in article:
            continue
        for item in re.findall(r"<li>(.*?)</li>", further, re.S):
            cited = len(re.findall(r"\b(?:19|20)\d\d\)", item))  # "(Dao et al., 2022)"
            links = re.findall(r'<a href="([^"]+)" class="paper">', item)
            assert len(links) >= cited, f"{entry.id}: a paper in Going further has no link: {item}"
            assert set(links) <= PAPERS
    assert xrefs >= 10, "lessons name each other"
    vaswani = _lesson_html(site, course, "2.4")
    assert '<a href="https://arxiv.org/abs/1706.03762" class="paper">' in vaswani


def test_each_lesson_has_an_outline_of_its_headings(course: manifest.Course, site: Path) -> None:
    for entry in course.lessons:
        html = _lesson_html(site, course, entry.id)
        nav = html.split('<nav class="outline"', 1)[1].split("</nav>", 1)[0]
        article = html.split('<article class="lesson"', 1)[1].split("</article>", 1)[0]
        ids = re.findall(r'<h[23] id="([^"]+)"', article)
        assert re.findall(r'<a href="#([^"]+)"', nav) == ids, entry.id
        assert "your-turn" in ids, entry.id


def test_the_search_index_is_built_with_the_site(course: manifest.Course, site: Path) -> None:
    entry = json.loads((site / build.SEARCH_DIR / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == len(model.plan(course).pages)
    assert (site / build.SEARCH_DIR / "pagefind.js").is_file()
    assert list((site / build.SEARCH_DIR).glob("wasm.*.pagefind"))
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" not in home  # the contents page is not a search result
    assert 'id="search-box"' in home and "wasm-unsafe-eval" in home


def test_a_static_site_says_exercise_status_is_not_available(site: Path) -> None:
    status = json.loads((site / build.STATUS_PATH).read_text(encoding="utf-8"))
    assert status["available"] is False
    assert "hexahype site --serve" in status["reason"]


def _checkout_with_status(dest: Path) -> manifest.Course:
    """A course whose learner has 1.3 done and 1.4 failing (with a message full of markup)."""
    root = copy_course(dest, ("course.toml", "lessons"))
    (root / ".hexahype").mkdir()
    (root / ".hexahype" / "state.json").write_text(
        json.dumps(
            {
                "version": 1,
                "hints": {},
                "lessons": {
                    "1.3": {"status": "done", "message": "", "passed": 9, "total": 9},
                    "1.4": {"status": "failing", "message": FAILURE, "passed": 3, "total": 9},
                    "1.5": {"status": "bogus", "message": "ignored"},
                },
            }
        ),
        encoding="utf-8",
    )
    return manifest.load(root)


FAILURE = 'count_tokens: expected 3, got 4 <img src=x onerror="document.title=1"> & <b>bold</b>'


def test_checkout_status_reads_the_learners_last_run(tmp_path: Path) -> None:
    course = _checkout_with_status(tmp_path / "course")
    status = serve.checkout_status(course)
    assert status["available"] is True
    assert status["lessons"]["1.3"] == {"status": "done", "message": ""}
    assert status["lessons"]["1.4"] == {"status": "failing", "message": FAILURE}
    assert status["lessons"]["1.5"] == {"status": "not started", "message": ""}
    assert set(status["lessons"]) == {e.id for e in course.lessons}
    (course.root / ".hexahype" / "state.json").write_text("{broken", encoding="utf-8")
    again = serve.checkout_status(course)
    assert {v["status"] for v in again["lessons"].values()} == {"not started"}
    assert (course.root / ".hexahype" / "state.json").read_text() == "{broken", "read only"


# -- the site in a real browser -----------------------------------------------------------------
def _text(page: Any, selector: str) -> str:
    return " ".join(page.locator(selector).first.inner_text().split())


def _plain(text: str) -> str:
    return " ".join(text.replace("`", "").split())


def _terminal_feedback(question: quizbank.Question, letter: str) -> str:
    """What `hexahype quiz` prints for this answer, as plain text."""
    console = Console(
        record=True, width=2000, color_system="standard", highlight=False, file=io.StringIO()
    )
    quiz_verb._feedback(console, question, letter)
    return " ".join(console.export_text().split())


def _crawl(b: browsing.Browser, page: Any, base: str, problems: list[str]) -> set[str]:
    """Every page reachable from the home page: each loads, the fragments linked to exist, its
    figures load, its headings are in order and its text has enough contrast."""
    todo, ids, fragments = [base + "index.html"], {}, set()
    while todo:
        url = todo.pop(0)
        if url in ids:
            continue
        b.open(url, page)
        ids[url] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        problems += browsing.image_problems(page)
        problems += browsing.heading_problems(page)
        problems += [f"{url}: {c}" for c in browsing.contrast_failures(page)]
        for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"):
            if href in PAPERS:
                continue  # a paper's page: linked, never loaded
            if not href.startswith(base):
                problems.append(f"{url} links out of the site: {href}")
                continue
            target, _, frag = href.partition("#")
            if frag:
                fragments.add((url, target, frag))
            if target not in ids:
                todo.append(target)
    for url, target, frag in sorted(fragments):
        if frag not in ids[target]:
            problems.append(f"{url} links to #{frag}, which {target} does not have")
    return set(ids)


def test_the_site_in_a_real_browser(course: manifest.Course, site: Path) -> None:
    plan = model.plan(course)
    httpd = serve.start(site)
    base = serve.url(httpd)
    file_base = site.as_uri() + "/"
    shots: list[Path] = []
    try:
        with browsing.Browser.launch(allowed=(base, file_base)) as b:
            b.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base[:-1])
            page = b.new_page()

            # the guard itself: a request out of the site is caught (and never leaves)
            page.set_content('<img src="https://example.invalid/x.png" alt="x">')
            page.wait_for_timeout(200)
            assert b.blocked == ["https://example.invalid/x.png"], b.blocked
            b.blocked.clear()
            b.problems.clear()

            # home: the table of contents is the manifest's, and nothing is read yet
            b.open(base + "index.html", page)
            assert page.title() == course.name
            rows = page.locator(".toc li[data-entry]")
            assert rows.evaluate_all("els => els.map(e => e.dataset.entry)") == [
                p.id for p in plan.pages
            ]
            for chapter in course.chapters:
                head = page.locator(f"#chapter-{chapter.number}")
                label = f"Chapter {chapter.number} · {chapter.title}"
                if chapter.optional:
                    label = f"Capstone · {label}"
                assert head.inner_text() == label
            for entry in course.entries:
                row = page.locator(f'.toc li[data-entry="{entry.id}"]')
                assert _text(row, "a") == f"{entry.id} {entry.title}"
                assert _text(row, ".summary") == entry.summary
                assert _text(row, ".minutes") == f"{entry.minutes} min"
            assert _text(page, "#contents ~ p [data-counter]") == f"0 of {SEED_LESSONS} read"
            start = page.get_by_role("link", name="Start reading")
            assert start.get_attribute("href") == plan.pages[0].path
            page.screenshot(path=str(browsing.artifact("site-home.png")), full_page=True)
            shots.append(browsing.artifact("site-home.png"))

            # every page, link, fragment and figure; headings in order; contrast
            problems: list[str] = []
            seen = _crawl(b, page, base, problems)
            assert {base + p.path for p in plan.pages} <= seen
            assert not problems, "\n".join(problems)

            # a lesson: code is highlighted and copies, "Your turn" names the stub and check
            lesson = plan.page("1.3")
            assert lesson is not None
            b.open(base + lesson.path, page)
            assert page.locator("pre.highlight code.language-python span").count() > 20
            first = page.locator(".code.source").first
            first.get_by_role("button", name="Copy the code").click()
            page.wait_for_function(
                "() => document.querySelector('.code.source .copy').textContent === 'Copied'"
            )
            copied = page.evaluate("() => navigator.clipboard.readText()")
            assert copied == first.locator("pre").inner_text().rstrip("\n")
            card = _text(page, ".your-turn")
            assert "exercises/ch1_tokens/l03_bpe.py" in card and "hexahype check 1.3" in card
            page.screenshot(path=str(browsing.artifact("site-lesson-1.3.png")), full_page=True)
            shots.append(browsing.artifact("site-lesson-1.3.png"))

            # mark it read, reload: still read; the home page counts 1 of 15
            mark = page.get_by_role("button", name="Mark as read")
            mark.click()
            assert page.locator("[data-mark-read]").get_attribute("aria-pressed") == "true"
            page.reload()
            assert page.locator("[data-mark-read]").get_attribute("aria-pressed") == "true"
            assert _text(page, ".bar [data-counter]") == f"1 of {SEED_LESSONS} read"
            page.get_by_role("link", name="Next → 1.4 Tokenizers in practice").click()
            page.wait_for_url(base + plan.pages[3].path)
            b.open(base + "index.html", page)
            assert _text(page, "#contents ~ p [data-counter]") == f"1 of {SEED_LESSONS} read"
            assert _text(page, '.toc li[data-entry="1.3"] .status') == "✓ read"
            assert _text(page, '.toc li[data-entry="1.1"] .status') == ""
            cont = page.get_by_role("link", name="Continue reading")
            assert cont.get_attribute("href") == plan.pages[0].path

            # a quiz, by keyboard: a wrong answer, then the right one; both explanations show
            entry = course.get("1.10")
            quiz = quizbank.load_quiz(entry)
            q1 = quiz.questions[0]
            letters = list(quizbank.LETTERS)
            right = next(x for x in letters if q1.is_right(x))
            wrong = next(x for x in letters if x != right)
            b.open(base + model.page_path(entry), page)
            form = page.locator(f'form[data-question="{q1.id}"]')
            form.locator('input[value="a"]').focus()
            page.keyboard.press("Space")
            for _ in range(letters.index(wrong)):
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Tab")
            assert page.evaluate("() => document.activeElement.textContent") == "Check answer"
            page.keyboard.press("Enter")
            form.locator(".attempt").first.wait_for()
            page.keyboard.press("Shift+Tab")
            step = letters.index(right) - letters.index(wrong)
            for _ in range(abs(step)):
                page.keyboard.press("ArrowDown" if step > 0 else "ArrowUp")
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")
            form.locator(".attempt").nth(1).wait_for()
            attempts = form.locator(".attempt")
            assert attempts.count() == 2
            for i, letter in enumerate((wrong, right)):
                shown = _text(attempts.nth(i), ".verdict strong") + " "
                shown += _text(attempts.nth(i), ".why")
                assert shown == _terminal_feedback(q1, letter), f"answer {letter}"
                assert _plain(q1.choice(letter).explanation) in shown
            assert "✗ Not quite." in _text(attempts.nth(0), ".verdict")
            assert "✓ Right." in _text(attempts.nth(1), ".verdict")
            n = len(quiz.questions)
            score = quizbank.score_line(1, 0, n - 1)
            page.wait_for_function(
                f"() => document.querySelector('[data-score]').textContent === {score!r}"
            )
            page.screenshot(path=str(browsing.artifact("site-quiz-1.10.png")), full_page=True)
            shots.append(browsing.artifact("site-quiz-1.10.png"))
            page.reload()
            page.wait_for_function(
                f"() => document.querySelector('[data-score]').textContent === {score!r}"
            )
            assert form.locator(f'input[value="{right}"]').is_checked()
            b.open(base + "index.html", page)
            assert _text(page, '.toc li[data-entry="1.10"] .status') == "1 answered"

            # reset forgets everything, also after a reload
            page.once("dialog", lambda d: d.accept())
            page.get_by_role("button", name="Reset progress").click()
            assert _text(page, "#contents ~ p [data-counter]") == f"0 of {SEED_LESSONS} read"
            page.reload()
            assert _text(page, "#contents ~ p [data-counter]") == f"0 of {SEED_LESSONS} read"
            assert page.get_by_role("link", name="Start reading").count() == 1
            b.open(base + model.page_path(entry), page)
            page.wait_for_function(
                "() => document.querySelector('[data-score]').textContent === "
                f"{quizbank.score_line(0, 0, n)!r}"
            )

            # 375 px wide: nothing scrolls sideways, the text stays at least 16 px
            page.set_viewport_size({"width": 375, "height": 812})
            for p in (plan.pages[0], lesson, plan.page("1.10"), plan.page("1.4")):
                assert p is not None
                for url in (base + "index.html", base + p.path):
                    b.open(url, page)
                    assert browsing.horizontal_overflow(page) == 0, f"{url} scrolls sideways"
                    size = page.evaluate(
                        "() => parseFloat(getComputedStyle(document.querySelector('main p:not(.meta)'))"
                        ".fontSize)"
                    )
                    assert size >= 16, f"{url}: text is {size}px at 375px wide"
            b.open(base + lesson.path, page)
            page.screenshot(path=str(browsing.artifact("site-lesson-1.3-375px.png")))
            shots.append(browsing.artifact("site-lesson-1.3-375px.png"))

            # the same site opened from the disk works too
            page.set_viewport_size({"width": 1100, "height": 900})
            b.open(file_base + "index.html", page)
            assert _text(page, "#contents ~ p [data-counter]") == f"0 of {SEED_LESSONS} read"

            page.wait_for_timeout(100)
            assert not b.blocked, b.blocked
            assert not b.problems, "\n".join(b.problems)
            assert all(u.startswith((base, file_base)) for u in b.requests)
    finally:
        httpd.shutdown()
        httpd.server_close()
    print("\nscreenshots: " + ", ".join(str(s) for s in shots))
    assert all(s.stat().st_size > 10_000 for s in shots)


def _luminance(hex6: str) -> float:
    def f(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex6[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)


def test_every_highlighting_colour_has_enough_contrast_on_the_code_background() -> None:
    from pygments.styles import get_style_by_name
    from pygments.token import Whitespace

    css = (Path(build.__file__).parent / "static" / "site.css").read_text(encoding="utf-8")
    backgrounds = re.findall(r"--code-bg: #([0-9a-f]{6});", css)
    assert len(backgrounds) == 2, "site.css defines --code-bg for the light and the dark theme"
    low = []
    for style_name, background in zip(
        (render.PYGMENTS_STYLE, render.PYGMENTS_DARK_STYLE), backgrounds
    ):
        bg = _luminance(background)
        for token, style in get_style_by_name(style_name):
            if style["color"] and token not in Whitespace:
                fg = _luminance(style["color"])
                ratio = (max(fg, bg) + 0.05) / (min(fg, bg) + 0.05)
                if ratio < 4.5:
                    low.append(f"{style_name} {token}: #{style['color']} is {ratio:.2f}:1")
    assert not low, low


def test_quiz_payload_is_quizbanks_quiz(course: manifest.Course) -> None:
    for entry in course.quizzes:
        qp = quizdata.quiz_page(entry)
        assert qp.quiz == quizbank.load_quiz(entry)
        assert qp.data["right"] == quizbank.RIGHT and qp.data["wrong"] == quizbank.NOT_QUITE
        assert qp.data["salt"] == quizbank.SALT
        # the page's check is key_hash: salt, chapter, question and letter joined by ':'
        q = qp.quiz.questions[0]
        right = next(x for x in quizbank.LETTERS if q.is_right(x))
        assert quizbank.key_hash(qp.data["chapter"], q.id, right) == qp.data["questions"][0]["key"]


# -- themes, accessibility, formulas, search and exercise status in a real browser ---------------
THEMES = ("light", "dark")
WIDTHS = {"desktop": (1280, 900), "phone": (375, 812)}


def test_every_page_passes_axe_in_both_themes_at_both_widths(
    course: manifest.Course, site: Path
) -> None:
    """axe-core (every rule but the experimental ones) and the kit's contrast check find nothing
    on any page, light and dark (as prefers-color-scheme asks), 1280 and 375 px wide; a phone
    never scrolls sideways.

    Each axe rule runs where its outcome can differ, which keeps this test near a minute: the
    colour rules (browsing.AXE_COLOUR_RULES) in both themes at 1280 px, since the colours do
    not change with the width (the kit's contrast check, which sees the phone's smaller text,
    runs everywhere); every other rule at both widths in the light theme, since a theme changes
    colours only, never the page's elements, names or layout."""
    plan = model.plan(course)
    httpd = serve.start(site)
    base = serve.url(httpd)
    urls = [base + "index.html"] + [base + p.path for p in plan.pages]
    problems: list[str] = []
    checked = 0
    try:
        with browsing.Browser.launch(allowed=(base,)) as b:
            page = b.new_page()
            for url in urls:
                # one load per page; the theme follows the emulated system setting and the
                # layout the viewport, in place
                page.emulate_media(color_scheme="light")
                page.set_viewport_size({"width": 1280, "height": 900})
                b.open(url, page)
                for theme in THEMES:
                    page.emulate_media(color_scheme=theme)
                    page.wait_for_function(  # theme.js follows a change of the system setting
                        f"() => document.documentElement.dataset.theme === {theme!r}",
                        timeout=5000,
                    )
                    for name, (width, height) in WIDTHS.items():
                        page.set_viewport_size({"width": width, "height": height})
                        where = f"[{theme}, {name}] "
                        found = browsing.axe_violations(
                            page,
                            colours=name == "desktop",  # the same colours at both widths
                            others=theme == "light",  # the same DOM and layout in both themes
                        )
                        problems += [where + v for v in found]
                        problems += [
                            where + f"{url}: {c}" for c in browsing.contrast_failures(page)
                        ]
                        if name == "phone" and browsing.horizontal_overflow(page):
                            problems.append(where + f"{url} scrolls sideways")
                        checked += 1
            assert not b.problems, "\n".join(b.problems)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert checked == 4 * len(urls)
    assert not problems, "\n".join(problems)


def _luminance_of(css: str) -> float:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return _luminance(f"{r:02x}{g:02x}{b:02x}")


def test_formulas_themes_search_code_and_figures_in_a_real_browser(
    course: manifest.Course, site: Path
) -> None:
    plan = model.plan(course)
    lesson = plan.page("2.4")
    kv = plan.page("2.6")
    assert lesson is not None and kv is not None
    httpd = serve.start(site)
    base = serve.url(httpd)
    shots: list[Path] = []
    try:
        with browsing.Browser.launch(allowed=(base,), width=1280, height=900) as b:
            page = b.new_page()
            page.emulate_media(color_scheme="light")

            # formulas are typeset MathML: a square root has its radical, a display formula its
            # own centred line; screenshots in both themes
            b.open(base + lesson.path, page)
            sqrt = page.locator("article msqrt").first.bounding_box()
            assert sqrt is not None and sqrt["width"] > 10 and sqrt["height"] > 10
            block = page.locator(".math-block math").first
            assert block.evaluate("m => getComputedStyle(m).display") == "block math"
            assert not browsing.image_problems(page)  # every figure loaded: no later shift
            for theme in THEMES:
                if theme == "dark":  # the system asks for light: the reader toggles
                    page.locator("[data-theme-toggle]").click()
                page.evaluate(
                    "() => document.querySelector('.math-block').scrollIntoView({block: 'center'})"
                )
                assert page.evaluate("() => document.documentElement.dataset.theme") == theme
                colour = block.evaluate("m => getComputedStyle(m).color")
                ground = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
                assert (_luminance_of(colour) > 0.5) == (theme == "dark"), colour
                assert (_luminance_of(ground) < 0.05) == (theme == "dark"), ground
                shot = browsing.artifact(f"site-formulas-{theme}.png")
                page.screenshot(path=str(shot))
                shots.append(shot)

            # the toggle is remembered: a reload (and another page) stays dark although the
            # system asks for light; pressed again, light
            toggle = page.locator("[data-theme-toggle]")
            assert toggle.get_attribute("aria-pressed") == "true"
            page.reload()
            assert page.evaluate("() => localStorage.getItem('hexahype:theme')") == "dark"
            assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
            assert toggle.get_attribute("aria-pressed") == "true"
            b.open(base + "index.html", page)
            assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
            toggle.click()
            assert page.evaluate("() => document.documentElement.dataset.theme") == "light"
            assert toggle.get_attribute("aria-pressed") == "false"

            # 2.4 at 1280 px: no code block scrolls sideways; the figure is shown at its drawn
            # size (so its 8.5 pt labels are 11 px on screen)
            b.open(base + lesson.path, page)
            wide = page.evaluate(
                "() => [...document.querySelectorAll('.code pre')]"
                ".filter(p => p.scrollWidth > p.clientWidth).length"
            )
            assert wide == 0, f"{wide} code blocks of 2.4 scroll sideways at 1280 px"
            assert page.locator(".code pre").count() >= 16
            shown, natural = page.evaluate(
                "async () => { const i = document.querySelector('article img[src*=attention]');"
                " i.loading = 'eager'; await i.decode(); return [i.width, i.naturalWidth]; }"
            )
            assert shown >= 0.97 * natural, (shown, natural)

            # the outline beside the lesson leads to its sections
            outline = page.locator("nav.outline")
            assert outline.is_visible()
            outline.get_by_role("link", name="The feed-forward network").click()
            page.wait_for_url(base + lesson.path + "#the-feed-forward-network")

            # search: "KV cache" reaches 2.6, by the mouse and by the keyboard
            b.open(base + "index.html", page)
            box = page.get_by_role("searchbox", name="Search")
            box.fill("KV cache")
            results = page.locator("[data-search-results] a")
            results.first.wait_for()
            hrefs = results.evaluate_all("els => els.map(a => a.href)")
            assert base + kv.path in hrefs[:3], hrefs
            assert "found for “KV cache”" in _text(page, "[data-search-status]")
            shot = browsing.artifact("site-search-kv-cache.png")
            page.screenshot(path=str(shot))
            shots.append(shot)
            page.locator(f'[data-search-results] a[href$="{kv.path}"]').first.click()
            page.wait_for_url(base + kv.path)
            assert "KV cache" in page.locator("h1").inner_text()
            box = page.get_by_role("searchbox", name="Search")
            box.fill("KV cache")
            results.first.wait_for()
            box.press("Enter")
            assert page.evaluate("() => document.activeElement.closest('[data-search-results]')")
            box.fill("")
            page.wait_for_function("() => document.querySelector('[data-search-results]').hidden")

            # a static site says honestly that it has no exercise status
            b.open(base + "index.html", page)
            page.wait_for_function("() => !document.querySelector('[data-status-note]').hidden")
            tally = _text(page, "#contents ~ p .tally")
            assert tally == f"0 of {SEED_LESSONS} read · exercise status not available here"
            assert "hexahype site --serve" in _text(page, "[data-status-note]")
            b.open(base + plan.pages[0].path, page)
            page.wait_for_function(
                "() => document.querySelector('[data-exercise-status]').className === 'unavailable'"
            )
            assert "not available" in _text(page, "[data-exercise-status]")
            assert not b.blocked, b.blocked
            assert not b.problems, "\n".join(b.problems)
    finally:
        httpd.shutdown()
        httpd.server_close()
    print("\nscreenshots: " + ", ".join(str(s) for s in shots))
    assert all(s.stat().st_size > 10_000 for s in shots)


def test_served_from_a_checkout_each_lesson_shows_the_exercise_status(tmp_path: Path) -> None:
    course = _checkout_with_status(tmp_path / "course")
    plan = model.plan(course)
    out = build.build(course, tmp_path / "site").out
    httpd = serve.start(out, status=lambda: serve.checkout_status(course))
    base = serve.url(httpd)
    try:
        with browsing.Browser.launch(allowed=(base,), width=1280, height=900) as b:
            page = b.new_page()
            titles: list[str] = []
            page.on("dialog", lambda d: (titles.append(d.message), d.dismiss()))
            b.open(base + "index.html", page)
            tally = page.locator("#contents ~ p .tally")
            page.wait_for_function(
                "() => document.querySelector('#contents ~ p .tally').textContent.includes('done')"
            )
            assert " ".join(tally.inner_text().split()) == (
                f"0 of {SEED_LESSONS} read · 1 of {SEED_LESSONS} done"
            )
            assert _text(page, '.toc li[data-entry="1.3"] .exercise-cell') == "✓ done"
            assert _text(page, '.toc li[data-entry="1.4"] .exercise-cell') == "✗ failing"
            assert _text(page, '.toc li[data-entry="1.5"] .exercise-cell') == "not started"
            assert page.locator("[data-status-note]").is_hidden()

            for lesson_id, shown in (
                ("1.3", "✓ done"),
                ("1.4", "✗ failing"),
                ("1.5", "not started"),
            ):
                entry = plan.page(lesson_id)
                assert entry is not None
                b.open(base + entry.path, page)
                status = page.locator("[data-exercise-status]")
                page.wait_for_function(
                    "() => document.querySelector('[data-exercise-status]').className !== ''"
                )
                assert status.inner_text() == shown, lesson_id
                message = page.locator("[data-exercise-message]")
                if lesson_id == "1.4":
                    # the learner's own failure message, word for word, as text: never markup
                    assert message.inner_text() == FAILURE
                    assert message.locator("*").count() == 0
                    assert page.title() != "1"
                    page.locator(".read").scroll_into_view_if_needed()
                    page.screenshot(path=str(browsing.artifact("site-lesson-1.4-failing.png")))
                else:
                    assert message.is_hidden()
            # reading progress and exercise status side by side on the home page
            entry = plan.page("1.3")
            assert entry is not None
            b.open(base + entry.path, page)
            page.get_by_role("button", name="Mark as read").click()
            b.open(base + "index.html", page)
            page.wait_for_function(
                "() => document.querySelector('#contents ~ p .tally').textContent.includes('done')"
            )
            assert " ".join(tally.inner_text().split()) == (
                f"1 of {SEED_LESSONS} read · 1 of {SEED_LESSONS} done"
            )
            assert not titles, titles
            problems = browsing.axe_violations(page)
            assert not problems, "\n".join(problems)
            assert not b.problems, "\n".join(b.problems)
    finally:
        httpd.shutdown()
        httpd.server_close()
