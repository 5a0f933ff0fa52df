"""HTTP route for label downloads: ``GET /stock/labels/{kind}/{id}?format=svg|png|zpl&symbology=code128|qr``.

Bearer token required (same tokens as GraphQL) and ``read`` on ``stock.product``;
errors come back as JSON ``{"error": {"code", "message"}}`` with 400/401/403/404.
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, get
from litestar.response import Response

from tenon.core import auth
from tenon.core.access import policy_version
from tenon.core.errors import Forbidden, NotFound, TenonError, Unauthenticated, ValidationError

from . import labels, services

_STATUS = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404}
KINDS = ("product", "lot", "location")


def _bearer(request: Request[Any, Any, Any]) -> str | None:
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def _render(app: Any, token: str | None, kind: str, obj_id: int, fmt: str, symbology: str) -> tuple[bytes, str, str]:
    if token is None:
        raise Unauthenticated("sign in first: send 'Authorization: Bearer <token>'")
    with app.sessionmaker() as session:
        version = policy_version(session)
        if app.access.version != version:
            app.access.ensure_version(version)
        actor = auth.actor_for_token(session, token)
    if actor is None:
        raise Unauthenticated("sign in first: send 'Authorization: Bearer <token>'")
    if not app.access.can(actor, "stock.product", "read"):
        raise Forbidden("not allowed: read on stock.product")
    if kind not in KINDS:
        raise NotFound(f"no label kind {kind!r} (product, lot or location)")
    with app.transaction(actor=actor) as session:
        data = services.label_data(session, kind, obj_id)
    try:
        content, ctype = labels.render(data, fmt, symbology)
    except ValueError as exc:
        raise ValidationError(str(exc), field="format") from None
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in data.value)
    return content, ctype, f"{kind}-{safe}.{fmt.lower()}"


@get("/stock/labels/{kind:str}/{obj_id:int}")
async def download_label(request: Request[Any, Any, Any], kind: str, obj_id: int, format: str = "svg",
                         symbology: str = "code128") -> Response[Any]:
    """A product, lot or location label as SVG (Code 128 or QR), PNG (QR) or ZPL (Code 128)."""
    app = request.app.state.tenon
    try:
        content, ctype, filename = await asyncio.to_thread(_render, app, _bearer(request), kind, obj_id,
                                                           format.upper(), symbology.upper())
    except TenonError as exc:
        return Response({"error": {"code": exc.code, "message": exc.message}},
                        status_code=_STATUS.get(exc.code, 400))
    return Response(content, media_type=ctype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store"})
