"""`hexahype site --serve`: the built site on http://127.0.0.1:PORT/, for a local preview.

The standard library's HTTP server, bound to the loopback address only, serving the folder and
nothing else, with no caching so a rebuilt page shows on reload.
"""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .errors import SiteError

HOST = "127.0.0.1"


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".json": "application/json",
        ".svg": "image/svg+xml",
    }

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the URL was printed once
        pass


def server(folder: Path, port: int = 0) -> ThreadingHTTPServer:
    """A server for `folder` on the loopback address (port 0: any free port), not yet started."""
    try:
        httpd = ThreadingHTTPServer((HOST, port), partial(_Handler, directory=str(folder)))
    except OSError as exc:
        raise SiteError(f"cannot serve on {HOST}:{port} ({exc.strerror}); try --port") from None
    httpd.daemon_threads = True
    return httpd


def url(httpd: ThreadingHTTPServer) -> str:
    return f"http://{HOST}:{httpd.server_address[1]}/"


def start(folder: Path, port: int = 0) -> ThreadingHTTPServer:
    """Serve `folder` from a background thread; stop with `httpd.shutdown()`."""
    httpd = server(folder, port)
    threading.Thread(target=httpd.serve_forever, name="hexahype-site", daemon=True).start()
    return httpd


def serve_forever(folder: Path, port: int) -> None:
    """Serve until Ctrl-C."""
    httpd = server(folder, port)
    print(f"serving {folder} on {url(httpd)} (Ctrl-C stops)", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        print()
    finally:
        httpd.server_close()
