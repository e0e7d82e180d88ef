"""`hexahype release OUT/`: build the student template repository.

The template holds the stubs, the visible tests, the lesson texts and figures, the grader package
(without its own tests and misconception bank), pyproject.toml, course.toml, a learner README, a
.gitignore and the GitHub Classroom workflow. It never holds solutions/, tests/hidden/, the
misconception bank or a quiz key in clear text: quizzes ship in their sealed JSON form.

The build is reproducible: the same kit gives a byte-identical tree (sorted walks, fixed JSON
formatting, no timestamps). `hexahype-release.json` lists every file with its sha256, so
`hexahype grade` can tell which submissions changed tests, workflows or grader files.

It ships only the stubs: a release is refused, naming the files, when `exercises/` differs
from its last commit (an instructor who tried the exercises in the checkout) or when a task is
more than a stub or a quiz answer file holds answers (`template.stub_problems`).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from .. import template
from ..manifest import Course
from ..template import RELEASE_FILE

ReleaseError = template.TemplateError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="folder to write the template into")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace OUT if it holds an earlier release",
    )


def run(args: argparse.Namespace, course: Course) -> int:
    try:
        files = build(course, args.out, force=args.force)
    except ReleaseError as exc:
        print(f"hexahype release: {exc}", file=sys.stderr)
        return 1
    lessons = [e.id for e in course.entries if e.exercise_path.exists()]
    print(f"wrote {len(files)} files to {args.out} ({len(lessons)} entries: {', '.join(lessons)})")
    return 0


def build(
    course: Course,
    out: Path,
    force: bool = False,
    files: dict[str, bytes | Path] | None = None,
) -> list[str]:
    """Write the template into `out`; return the relative paths written, sorted. `files`
    replaces `template.template_files(course)` (a platform's variant of the template)."""
    out = out.resolve()
    root = course.root.resolve()
    if out == root or root.is_relative_to(out):
        raise ReleaseError(f"{out} is the course itself or holds it; choose another folder")
    if out.exists() and any(out.iterdir()):
        if not force:
            raise ReleaseError(f"{out} is not empty; use --force to replace an earlier release")
        if not (out / RELEASE_FILE).is_file():
            raise ReleaseError(f"{out} is not empty and holds no earlier release; not replacing it")
        shutil.rmtree(out)
    changed = template.uncommitted(root)
    if changed:
        more = f" (+{len(changed) - 5} more)" if len(changed) > 5 else ""
        raise ReleaseError(
            f"exercises/ differs from its last commit: {', '.join(changed[:5])}{more}; a release "
            "ships the committed stubs (git stash, or git checkout -- exercises/)"
        )
    solved = template.stub_problems(course)
    if solved:
        more = f" (+{len(solved) - 3} more)" if len(solved) > 3 else ""
        raise ReleaseError(f"not a stub: {'; '.join(solved[:3])}{more}")
    chosen = template.template_files(course) if files is None else files
    template.refuse_secrets(chosen)
    contents = {rel: template.content(src) for rel, src in sorted(chosen.items())}
    for rel, data in contents.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    manifest_bytes = template.json_bytes(template.release_manifest(course, contents))
    (out / RELEASE_FILE).write_bytes(manifest_bytes)
    return sorted([*contents, RELEASE_FILE])
