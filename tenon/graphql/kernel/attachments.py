"""Attachments: upload (GraphQL multipart request spec), list per record, download route.

* ``attachmentUpload(file: Upload!, entityType, entityId)``: a multipart POST to
  ``/graphql`` (form fields ``operations``, ``map`` and the file). The file is
  streamed and validated in a worker thread before the transaction stores its
  row (see :mod:`tenon.core.attachments`); errors ``PAYLOAD_TOO_LARGE`` and
  ``UNSUPPORTED_MEDIA_TYPE`` leave nothing behind.
* ``attachments(entityType, entityId)``: the files of a record the user may read
  (without a record: the user's own unlinked uploads).
* ``GET /attachments/{id}`` with ``Authorization: Bearer <token>``: the file,
  as a download, under the same access rule.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Annotated, Any

import strawberry
from litestar import Request, get
from litestar.response import File, Response
from sqlalchemy import select
from strawberry.file_uploads import Upload
from strawberry.types import Info

from tenon.core import attachments as service
from tenon.core.contributions import SchemaContribution
from tenon.core.errors import NotFound, TenonError
from tenon.core.models import Attachment
from tenon.graphql.http import bearer_token, error_response, require
from tenon.graphql.permissions import allowed
from tenon.graphql.relay import Connection, paginate
from tenon.core.ids import decode_id

log = logging.getLogger("tenon.graphql")
DOWNLOAD_PATH = "/attachments"


@strawberry.type(name="Attachment", description="A stored file, optionally linked to a record.")
class AttachmentType:
    id: strawberry.ID = strawberry.field(description="Attachment id.")
    filename: str = strawberry.field(description="The file name given at upload (without directories).")
    content_type: str = strawberry.field(description="The type detected from the file's content, e.g. `image/png`.")
    size: int = strawberry.field(description="Size in bytes.")
    sha256: str = strawberry.field(description="SHA-256 of the content, hex.")
    entity_type: str | None = strawberry.field(description="Table of the linked record, e.g. `orders_sales_order`.")
    entity_id: str | None = strawberry.field(description="Id of the linked record.")
    created_at: dt.datetime = strawberry.field(description="When it was uploaded.")
    created_by: str | None = strawberry.field(description="Username of the uploader.")

    @strawberry.field(description="Path to download the file with a bearer token: `GET /attachments/{id}`.")
    def download_url(self) -> str:
        return f"{DOWNLOAD_PATH}/{self.id}"

    @classmethod
    def from_model(cls, a: Attachment) -> AttachmentType:
        return cls(id=strawberry.ID(str(a.id)), filename=a.filename, content_type=a.content_type, size=a.size,
                   sha256=a.sha256, entity_type=a.entity_type, entity_id=a.entity_id, created_at=a.created_at,
                   created_by=a.created_by)


@strawberry.type
class AttachmentQuery:
    @strawberry.field(
        description="The files linked to a record (you must be able to read the record), oldest first. "
        "Without entityType and entityId: your own uploads not linked to any record.",
        extensions=allowed("core.attachment", "read"))
    async def attachments(
        self, info: Info,
        entity_type: Annotated[str | None, strawberry.argument(
            description="Table of the record, e.g. `orders_sales_order`.")] = None,
        entity_id: Annotated[str | None, strawberry.argument(description="Id of the record.")] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size.")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor to continue after.")] = None,
    ) -> Connection[AttachmentType]:
        context = info.context
        actor = context.require_actor()
        await context.run(service.check_entity, entity_type, entity_id)
        stmt = select(Attachment).order_by(Attachment.id)
        if entity_type is None and entity_id is None:
            stmt = stmt.where(Attachment.entity_type.is_(None), Attachment.created_by == actor.username)
        else:
            stmt = stmt.where(Attachment.entity_type == entity_type, Attachment.entity_id == str(entity_id))
        return await paginate(context, stmt, first=first, after=after, convert=AttachmentType.from_model)


@strawberry.type
class AttachmentMutation:
    @strawberry.mutation(
        description="Upload a file (GraphQL multipart request), optionally linked to a record you may read. "
        "Too large: PAYLOAD_TOO_LARGE; a type not accepted by the site, or content not matching the declared "
        "type: UNSUPPORTED_MEDIA_TYPE.",
        extensions=allowed("core.attachment", "create"))
    async def attachment_upload(
        self, info: Info,
        file: Annotated[Upload, strawberry.argument(description="The file (a multipart form part).")],
        entity_type: Annotated[str | None, strawberry.argument(
            description="Table of the record to link to, e.g. `orders_sales_order`.")] = None,
        entity_id: Annotated[str | None, strawberry.argument(description="Id of the record to link to.")] = None,
    ) -> AttachmentType:
        context = info.context
        context.require_actor()
        await context.run(service.check_entity, entity_type, entity_id)  # refuse early, before reading the file
        stream = getattr(file, "file", file)
        if hasattr(stream, "seek"):
            stream.seek(0)
        staged = await asyncio.to_thread(service.stage_upload, context.tenon, stream,
                                         filename=getattr(file, "filename", None),
                                         declared_type=getattr(file, "content_type", None))
        try:
            row = await context.run(service.save_attachment, staged, entity_type=entity_type, entity_id=entity_id)
        finally:
            staged.discard()
        return AttachmentType.from_model(row)


CONTRIBUTION = SchemaContribution(query=AttachmentQuery, mutation=AttachmentMutation)


# ----------------------------------------------------------------------------- download route


def _find_download(app: Any, token: str | None, attachment_id: int) -> tuple[Any, str, str]:
    actor = require(app, token, "core.attachment", "read")
    attachment_id = decode_id(attachment_id)
    with app.transaction(actor=actor) as session:
        row = session.get(Attachment, attachment_id)
        if row is None or not service.readable(session, row):
            raise NotFound(f"no attachment {attachment_id}")
        return service.attachment_path(app, row), row.filename, row.content_type


@get(f"{DOWNLOAD_PATH}/{{attachment_id:int}}")
async def download_attachment(request: Request[Any, Any, Any], attachment_id: int) -> Response[Any]:
    """Download an attachment: bearer token required; 401, 403 or 404 as a JSON error otherwise."""
    app = request.app.state.tenon

    try:
        path, filename, content_type = await asyncio.to_thread(_find_download, app, bearer_token(request.headers), attachment_id)
    except TenonError as exc:
        return error_response(exc)
    if not path.is_file():
        log.error("attachment %s: file %s is missing from the store", attachment_id, path)
        return error_response(NotFound(f"the file of attachment {attachment_id} is missing"))
    return File(path, filename=filename, media_type=content_type, content_disposition_type="attachment",
                headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


__all__ = ["CONTRIBUTION", "AttachmentType", "download_attachment"]
