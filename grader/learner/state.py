"""The learner's local progress file, `.hexahype/state.json` (git-ignored).

It records, per entry, the status of the last complete visible run (`done`, `failing`,
`not started`), its first failing message, a fingerprint of the exercise file that was checked,
and how many hints were shown. Writes are atomic; a damaged file is set aside, never fatal.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from ..files import write_json
from ..results import MARKS, Status

VERSION = 1
# Statuses as stored in the state file: the text of results.Status.
DONE, FAILING, NOT_STARTED, UNKNOWN = (
    s.value for s in (Status.DONE, Status.FAILING, Status.NOT_STARTED, Status.UNKNOWN)
)
__all__ = ["DONE", "FAILING", "MARKS", "NOT_STARTED", "UNKNOWN", "write_json"]


def state_dir(root: Path) -> Path:
    return root / ".hexahype"


def state_path(root: Path) -> Path:
    return state_dir(root) / "state.json"


def fingerprint(path: Path) -> str:
    """sha256 of a file's bytes, or '' when it does not exist."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def load(root: Path) -> dict[str, Any]:
    path = state_path(root)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise ValueError("unknown state version")
    except FileNotFoundError:
        return {"version": VERSION, "lessons": {}, "hints": {}}
    except (OSError, ValueError):
        # Keep the damaged file for inspection and start afresh.
        try:
            path.replace(path.with_suffix(f".broken-{int(time.time())}.json"))
        except OSError:
            pass
        return {"version": VERSION, "lessons": {}, "hints": {}}
    data.setdefault("lessons", {})
    data.setdefault("hints", {})
    return data


def save(root: Path, data: dict[str, Any]) -> None:
    write_json(state_path(root), data)


def update_lessons(root: Path, results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Merge fresh per-lesson results into the state file and return the new state."""
    data = load(root)
    data["lessons"].update(results)
    save(root, data)
    return data


def hints_shown(root: Path, lesson_id: str) -> int:
    return int(load(root)["hints"].get(lesson_id, 0))


def set_hints_shown(root: Path, lesson_id: str, count: int) -> None:
    data = load(root)
    data["hints"][lesson_id] = count
    save(root, data)
