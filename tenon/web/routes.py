"""Litestar handlers of the console: ``GET /``, ``/console/static/...``, ``/console/plugins/<plugin>/...``,
and the offline GraphiQL page that ``/graphql`` renders for a browser.

Files are answered with an ``ETag`` and ``Cache-Control: no-cache`` (a terminal on a slow
connection revalidates with a ``304`` instead of downloading again), gzip-compressed when the
browser accepts it. A plugin's files are served
only while the plugin is loaded and declares console pages (its ``web/`` folder); an unknown
file, a path leaving the folder or an uninstalled plugin's file is a JSON ``404``.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from functools import lru_cache
from pathlib import Path
from typing import Any

from litestar import Request, get
from litestar.datastructures import State
from litestar.response import Response

STATIC = Path(__file__).parent / "static"
TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".html": "text/html",
         ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".txt": "text/plain"}
COMPRESS = {".js", ".mjs", ".css", ".html", ".json", ".svg", ".txt"}
MAX_PATH = 200


def _not_found(what: str) -> Response[Any]:
    return Response({"error": {"code": "NOT_FOUND", "message": f"no such file: {what}"}}, status_code=404)


@lru_cache(maxsize=512)
def _load(path: Path, mtime_ns: int) -> tuple[bytes, bytes | None, str]:
    """The file, its gzip form (text files over 1 KB: a slow terminal downloads a third) and its ETag."""
    data = path.read_bytes()
    packed = gzip.compress(data, 6, mtime=0) if path.suffix in COMPRESS and len(data) > 1024 else None
    return data, packed, '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def _file(request: Request[Any, Any, Any], root: Path, rel: str) -> Response[Any]:
    rel = rel.lstrip("/")
    if not rel or len(rel) > MAX_PATH or "\\" in rel or any(p in ("", ".", "..") for p in rel.split("/")):
        return _not_found(rel)
    path = (root / rel).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        return _not_found(rel)
    data, packed, etag = _load(path, path.stat().st_mtime_ns)
    headers = {"ETag": etag, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff", "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(b"", status_code=304, headers=headers)
    media = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if packed is not None and "gzip" in (request.headers.get("accept-encoding") or "").lower():
        return Response(packed, media_type=media, headers={**headers, "Content-Encoding": "gzip"})
    return Response(data, media_type=media, headers=headers)


@get("/", include_in_schema=False)
async def console_index(request: Request[Any, Any, Any]) -> Response[Any]:
    """The console's single page (sign-in, then the navigation of the installed plugins' pages)."""
    return _file(request, STATIC, "index.html")


@get("/console/static/{path:path}", include_in_schema=False)
async def console_static(request: Request[Any, Any, Any], path: str) -> Response[Any]:
    """The shell, the page kit and the vendored libraries."""
    return _file(request, STATIC, path)


@get("/console/plugins/{plugin:str}/{path:path}", include_in_schema=False)
async def console_plugin_file(request: Request[Any, Any, Any], state: State, plugin: str, path: str) -> Response[Any]:
    """A file of a loaded plugin's ``web/`` folder (its page modules and what they import)."""
    folder = state.tenon.hooks.web_folder(plugin) if plugin in state.tenon.plugins else None
    if folder is None:
        return _not_found(f"{plugin}/{path.lstrip('/')}")
    return _file(request, folder, path)


ROUTES = [console_index, console_static, console_plugin_file]


def graphiql_html() -> str:
    """The GraphiQL page for ``GET /graphql`` from a browser: vendored assets, the console's token."""
    return (STATIC / "graphiql.html").read_text(encoding="utf-8")
