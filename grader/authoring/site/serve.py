"""`hexahype site --serve`: the built site on http://127.0.0.1:PORT/, for a local preview.

The standard library's HTTP server, bound to the loopback address only, serving the folder and
nothing else, with no caching so a rebuilt page shows on reload.

Served from a checkout, `assets/status.json` is answered live from the learner's last run (the
progress file `.hexahype/state.json` that `hexahype check` writes, read only: this server never
changes it), so each lesson page shows done, failing with the first message, or not started.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ...manifest import Course
from ...results import Status, status_of
from .errors import SiteError

HOST = "127.0.0.1"
STATUS_URL = "/assets/status.json"
# The learner's progress file (grader/learner/state.py writes it; this layer may not import it).
STATE_FILE = Path(".hexahype") / "state.json"
MESSAGE_CHARS = 500  # a first failure message is one line; a longer one is cut

StatusSource = Callable[[], dict[str, Any]]


def checkout_status(course: Course) -> dict[str, Any]:
    """Every authored lesson's status from the checkout's last run, for the served site."""
    try:
        saved = json.loads((course.root / STATE_FILE).read_text(encoding="utf-8"))
        lessons = saved.get("lessons", {}) if isinstance(saved, dict) else {}
    except (OSError, ValueError):
        lessons = {}
    out: dict[str, dict[str, str]] = {}
    for entry in course.lessons:
        info = lessons.get(entry.id) if isinstance(lessons, dict) else None
        info = info if isinstance(info, dict) else {}
        status = status_of(str(info.get("status", Status.NOT_STARTED.value)))
        if status not in (Status.DONE, Status.FAILING):
            status = Status.NOT_STARTED
        message = str(info.get("message", "")) if status is Status.FAILING else ""
        out[entry.id] = {"status": status.value, "message": message[:MESSAGE_CHARS]}
    return {"available": True, "lessons": out}


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".json": "application/json",
        ".svg": "image/svg+xml",
    }

    status: StatusSource | None = None

    def do_GET(self) -> None:
        if self.status is not None and urlsplit(self.path).path == STATUS_URL:
            body = json.dumps(self.status()).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the URL was printed once
        pass


def server(folder: Path, port: int = 0, status: StatusSource | None = None) -> ThreadingHTTPServer:
    """A server for `folder` on the loopback address (port 0: any free port), not yet started.
    With `status`, assets/status.json is its answer at each request."""
    handler = type("Handler", (_Handler,), {"status": staticmethod(status) if status else None})
    try:
        httpd = ThreadingHTTPServer((HOST, port), partial(handler, directory=str(folder)))
    except OSError as exc:
        raise SiteError(f"cannot serve on {HOST}:{port} ({exc.strerror}); try --port") from None
    httpd.daemon_threads = True
    return httpd


def url(httpd: ThreadingHTTPServer) -> str:
    return f"http://{HOST}:{httpd.server_address[1]}/"


def start(folder: Path, port: int = 0, status: StatusSource | None = None) -> ThreadingHTTPServer:
    """Serve `folder` from a background thread; stop with `httpd.shutdown()`."""
    httpd = server(folder, port, status)
    threading.Thread(target=httpd.serve_forever, name="hexahype-site", daemon=True).start()
    return httpd


def serve_forever(folder: Path, port: int, status: StatusSource | None = None) -> None:
    """Serve until Ctrl-C."""
    httpd = server(folder, port, status)
    print(f"serving {folder} on {url(httpd)} (Ctrl-C stops)", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        print()
    finally:
        httpd.server_close()
