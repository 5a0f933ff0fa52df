"""ASGI guard for ``POST /graphql`` JSON bodies: a body that is not UTF-8, or JSON that is not an
object (a string, a number, ``null``), is answered ``400`` with a GraphQL-style error coded
``BAD_REQUEST`` before strawberry sees it (strawberry answered those with a 500).

Arrays pass through (strawberry answers "batching is not enabled" with 400 itself), as do
multipart uploads and bodies that are not JSON at all (strawberry answers 400).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from litestar.types import ASGIApp, Message, Receive, Scope, Send

PATH = "/graphql"


def _rejection(message: str) -> bytes:
    return json.dumps({"data": None, "errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}).encode()


def _problem(body: bytes) -> str | None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the request body is not valid UTF-8"
    try:
        value = json.loads(text)
    except ValueError:
        return None  # strawberry answers 400 "Unable to parse request body as JSON"
    if not isinstance(value, (dict, list)):
        return "the request body must be a JSON object with a `query`"
    return None


def json_body_guard(max_bytes: int) -> Callable[[ASGIApp], ASGIApp]:
    """A Litestar ``middleware`` entry checking JSON bodies of ``POST /graphql`` (see the module doc);
    a JSON body over ``max_bytes`` is answered ``413``."""
    return lambda app: _guard(app, max_bytes)


async def _reject(send: Send, status: int, message: str) -> None:
    payload = _rejection(message)
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


def _guard(app: ASGIApp, max_bytes: int) -> ASGIApp:
    async def guard(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or scope.get("path") != PATH:
            await app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if not headers.get(b"content-type", b"").split(b";")[0].strip().lower().endswith(b"json"):
            await app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            more = bool(message.get("more_body"))
            size += len(chunks[-1])
            if size > max_bytes:
                await _reject(send, 413, f"the request body is larger than {max_bytes} bytes")
                return
        body = b"".join(chunks)
        problem = _problem(body)
        if problem is not None:
            await _reject(send, 400, problem)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await app(scope, replay, send)

    return guard


__all__ = ["json_body_guard"]
