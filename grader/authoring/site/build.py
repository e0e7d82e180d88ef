"""Write the site: Jinja2 templates around the rendered lessons and quizzes, plus the figures the
lessons show and the site's own CSS and script (no web fonts, no CDN, nothing fetched).

Search is Pagefind's: its binary (the `pagefind_bin` wheel of the `site` extra) indexes the
written pages into assets/search/ (the index, its WebAssembly and its script, all local), and
site.js asks it. `assets/status.json` says that exercise status is not available in a static
site; `hexahype site --serve` answers that address from the learner's checkout instead.

The build is reproducible (sorted, no timestamps) and writes only into OUT. OUT must be empty,
or an earlier site (it holds the marker file), which is then replaced.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ... import quizbank
from ...manifest import Course, Lesson
from . import model, quizdata, render
from .errors import SiteError

MARKER = ".hexahype-site"
STATIC = ("site.css", "site.js", "theme.js", "favicon.svg")
SEARCH_DIR = "assets/search"
PAGEFIND = "pagefind_bin"  # the module of the pagefind-bin wheel, which holds the binary
STATUS_PATH = "assets/status.json"
# What a static site says where the served one shows the learner's exercise status.
STATIC_STATUS = {
    "available": False,
    "reason": "Exercise status is not available on this static site: it shows when you run "
    "hexahype site --serve in your own checkout.",
}


@dataclass(frozen=True)
class Result:
    out: Path
    files: list[str]  # relative paths written, sorted
    pages: int


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("grader.authoring.site", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def _rel_stub(entry: Lesson) -> str:
    return entry.exercise_path.relative_to(entry.root).as_posix()


def _prepare(out: Path, course: Course) -> Path:
    out = out.resolve()
    root = course.root.resolve()
    if out == root or root.is_relative_to(out) or (root / "lessons").resolve().is_relative_to(out):
        raise SiteError(f"{out} is the course itself or holds it; choose another folder")
    if out.exists():
        if not out.is_dir():
            raise SiteError(f"{out} is a file, not a folder")
        if any(out.iterdir()):
            if not (out / MARKER).is_file():
                raise SiteError(f"{out} is not empty and holds no earlier site; not replacing it")
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    return out


def site_data(plan: model.Plan) -> dict[str, Any]:
    """What every page's script knows: the course, the counted lessons and where pages are."""
    return {
        "course": plan.course.name,
        "required": list(plan.required),
        "pages": {p.id: p.path for p in plan.pages},
        "quizzes": {p.id: p.entry.chapter.number for p in plan.pages if p.entry.is_quiz},
    }


def _home_chapters(plan: model.Plan) -> list[dict[str, Any]]:
    out = []
    for chapter in plan.chapters:
        items = []
        for entry in chapter.lessons:
            page = plan.page(entry.id)
            items.append(
                {
                    "id": entry.id,
                    "kind": entry.kind,
                    "title": entry.title,
                    "summary": entry.summary,
                    "minutes": entry.minutes,
                    "path": page.path if page else None,
                }
            )
        out.append(
            {
                "number": chapter.number,
                "title": chapter.title,
                "optional": model.is_optional(chapter),
                "entries": items,
            }
        )
    return out


def build(course: Course, out: Path) -> Result:
    """Build the whole site into `out`. Raises SiteError with one clear line."""
    if importlib.util.find_spec(PAGEFIND) is None:  # before anything is written
        raise ModuleNotFoundError(f"No module named {PAGEFIND!r}", name=PAGEFIND)
    plan = model.plan(course)
    if not plan.pages:
        raise SiteError("no lesson has a text yet: nothing to publish")
    env = _env()
    data = site_data(plan)
    common = {"course": course, "required": plan.required, "site_data": data}
    linker = render.Linker(
        lessons_root=course.root / "lessons",
        pages={p.source.resolve(): p.path for p in plan.pages if p.entry.is_lesson},
        ids={p.id: p.path for p in plan.pages if p.entry.is_lesson},
    )
    md = render.markdown()
    written: dict[str, str | bytes] = {MARKER: f"{course.name} {course.version}\n"}
    problems: list[str] = []
    your_turn = env.get_template("_your_turn.html")
    for page in plan.pages:
        entry = page.entry
        prev, nxt = plan.neighbours(page)
        ctx = {
            **common,
            "root": "../" * page.path.count("/"),
            "page": page,
            "prev": prev,
            "next": nxt,
            "optional": model.is_optional(entry.chapter),
            "description": entry.summary,
        }
        if entry.is_quiz:
            qp = quizdata.quiz_page(entry)
            html = env.get_template("quiz.html").render(
                **ctx,
                kind="quiz",
                questions=[
                    {
                        **q,
                        "prompt": Markup(q["prompt"]),
                        "choices": [{**c, "html": Markup(c["html"])} for c in q["choices"]],
                    }
                    for q in qp.questions
                ],
                score=quizbank.score_line(0, 0, len(qp.questions)),
                quiz_data=qp.data,
            )
        else:
            rendered = render.render_lesson(
                page.source.read_text(encoding="utf-8"),
                page.source,
                page.path,
                linker,
                partial(
                    your_turn.render, stub=_rel_stub(entry), tasks=list(entry.tasks), id=entry.id
                ),
                md,
            )
            problems += [f"lesson {entry.id}: {p}" for p in rendered.problems]
            html = env.get_template("lesson.html").render(
                **ctx, kind="lesson", body=Markup(rendered.html), outline=rendered.outline
            )
        written[page.path] = html
    if problems:
        raise SiteError("; ".join(problems))
    home = env.get_template("home.html").render(
        **common,
        root="",
        kind="home",
        page=None,
        first=plan.pages[0],
        chapters=_home_chapters(plan),
        description=f"{course.name}: every lesson and quiz, in order",
    )
    written["index.html"] = home
    static = resources.files("grader.authoring.site") / "static"
    for name in STATIC:
        content = static.joinpath(name).read_bytes()
        if name == "site.css":
            content += f"\n/* code highlighting (Pygments) */\n{render.pygments_css()}\n".encode()
        written[f"assets/{name}"] = content
    for rel, src in sorted(linker.assets.items()):
        written[rel] = src.read_bytes()
    written[STATUS_PATH] = json.dumps(STATIC_STATUS, indent=1) + "\n"
    out = _prepare(out, course)
    for rel, body in sorted(written.items()):
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
    _index(out)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    return Result(out=out, files=files, pages=len(plan.pages))


def _index(out: Path) -> None:
    """Pagefind's search index of the written pages (their `data-pagefind-body`), into
    assets/search/. Its output depends on the pages alone, so the build stays reproducible."""
    proc = subprocess.run(
        [sys.executable, "-m", PAGEFIND, "--site", str(out)]
        + ["--output-subdir", SEARCH_DIR, "--force-language", "en", "--silent"],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 or not (out / SEARCH_DIR / "pagefind.js").is_file():
        said = (proc.stderr or proc.stdout).strip().splitlines()
        raise SiteError(f"the search index was not built: {said[-1] if said else 'no output'}")
