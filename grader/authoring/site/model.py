"""What the site holds, from the manifest alone: one page per lesson or quiz, in teaching order.

No third-party imports here, so the command can report a missing `site` extra before anything
else is loaded, and the tests can read the site's plan without building it.

Paths mirror `lessons/`: the page of `lessons/ch1_tokens/1.3-byte-pair-encoding.md` is
`ch1_tokens/1.3-byte-pair-encoding.html`, and figures keep their place (`figures/...`), so a
lesson's relative links work unchanged.

A chapter flagged optional in course.toml (the capstone) is listed after the others and is not
counted: "N of 15 read" counts the lessons (quizzes are not lessons, as in `Course.lessons`) of
the required chapters only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...manifest import Chapter, Course, Lesson


def is_optional(chapter: Chapter) -> bool:
    """A chapter the course flags as optional: shown as a capstone and left out of the count."""
    return bool(getattr(chapter, "optional", False))


@dataclass(frozen=True)
class Page:
    entry: Lesson
    path: str  # relative to the site root, for example "ch1_tokens/1.3-byte-pair-encoding.html"

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def source(self) -> Path:
        return self.entry.quiz_path if self.entry.is_quiz else self.entry.text_path

    @property
    def counted(self) -> bool:
        """Whether "N of 15 read" counts this page."""
        return self.entry.is_lesson and not is_optional(self.entry.chapter)


@dataclass(frozen=True)
class Plan:
    course: Course
    pages: tuple[Page, ...]

    @property
    def required(self) -> tuple[str, ...]:
        """The ids behind "N of 15 read"."""
        return tuple(p.id for p in self.pages if p.counted)

    def page(self, lesson_id: str) -> Page | None:
        for p in self.pages:
            if p.id == lesson_id:
                return p
        return None

    def neighbours(self, page: Page) -> tuple[Page | None, Page | None]:
        i = self.pages.index(page)
        prev = self.pages[i - 1] if i > 0 else None
        nxt = self.pages[i + 1] if i + 1 < len(self.pages) else None
        return prev, nxt

    @property
    def chapters(self) -> list[Chapter]:
        """Required chapters first (in course order), then the optional ones."""
        chapters = list(self.course.chapters)
        return [c for c in chapters if not is_optional(c)] + [c for c in chapters if is_optional(c)]


def page_path(entry: Lesson) -> str:
    return f"{entry.package}/{entry.id}-{entry.slug}.html"


def plan(course: Course) -> Plan:
    """Every entry whose text (or quiz) exists, in teaching order (required chapters first)."""
    pages: list[Page] = []
    for chapter in Plan(course, ()).chapters:
        for entry in chapter.lessons:
            page = Page(entry, page_path(entry))
            if page.source.exists():  # a quiz's source is its TOML, or the sealed JSON
                pages.append(page)
    return Plan(course, tuple(pages))
