"""Plain HTTP routes beside ``/graphql`` (downloads, device callbacks): sign-in and errors.

A route handler runs its sync part in a thread and calls :func:`require` first::

    actor = require(app, bearer_token(request.headers), "stock.product", "read")
    with app.transaction(actor=actor) as session: ...

and turns a :class:`tenon.TenonError` into :func:`error_response` (JSON, 400/401/403/404).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar.response import Response

from tenon.core import auth
from tenon.core.access import Actor
from tenon.core.errors import Forbidden, TenonError, Unauthenticated

STATUS = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404}


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of ``Authorization: Bearer <token>``, or ``None``."""
    scheme, _, token = (headers.get("authorization") or "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def require(app: Any, token: str | None, obj: str, act: str) -> Actor:
    """The actor behind ``token`` if allowed ``act`` on ``obj`` (policies refreshed as for GraphQL).

    :raises Unauthenticated: no token, or an unknown, expired or revoked one.
    :raises Forbidden: the actor may not ``act`` on ``obj``.
    """
    actor = None
    if token is not None:
        with app.sessionmaker() as session:
            actor, (version, _plugins) = auth.sign_in(session, token)  # one statement
            if auth.TOKEN_USED in session.info:
                session.commit()  # the token's last use, at most hourly (the health check's "unused tokens")
            if app.access.version != version:
                app.access.ensure_version(version)
    if actor is None:
        raise Unauthenticated("sign in first: send 'Authorization: Bearer <token>'")
    if not app.access.can(actor, obj, act):
        raise Forbidden(f"not allowed: {act} on {obj}")
    return actor


def error_response(exc: TenonError) -> Response[Any]:
    """``{"error": {"code", "message"}}`` with the matching HTTP status."""
    return Response({"error": {"code": exc.code, "message": exc.message}}, status_code=STATUS.get(exc.code, 400))
