"""HTTP route for label downloads: ``GET /stock/labels/{kind}/{id}?format=svg|png|zpl&symbology=code128|qr``.

Bearer token required (same tokens as GraphQL) and ``read`` on ``stock.product``;
errors come back as JSON ``{"error": {"code", "message"}}`` with 400/401/403/404.
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, get
from litestar.response import Response

from tenon.core.errors import NotFound, TenonError, ValidationError
from tenon.graphql.http import bearer_token, error_response, require
from tenon.core.ids import decode_id

from . import labels
from .services import scanning

KINDS = ("product", "lot", "location")


def _render(app: Any, token: str | None, kind: str, obj_id: int, fmt: str, symbology: str) -> tuple[bytes, str, str]:
    actor = require(app, token, "stock.product", "read")
    obj_id = decode_id(obj_id)
    if kind not in KINDS:
        raise NotFound(f"no label kind {kind!r} (product, lot or location)")
    with app.transaction(actor=actor) as session:
        data = scanning.label_data(session, kind, obj_id)
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
        content, ctype, filename = await asyncio.to_thread(_render, app, bearer_token(request.headers), kind, obj_id,
                                                           format.upper(), symbology.upper())
    except TenonError as exc:
        return error_response(exc)
    return Response(content, media_type=ctype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store"})
