"""Attachments: files stored in the site directory, linked to any record.

A file arrives in two steps, so the slow part holds no transaction:

1. :func:`stage_upload` (no database) streams it to a temporary file under
   ``<site>/attachments/.incoming``, counting bytes against ``[uploads] max_bytes``
   (``PAYLOAD_TOO_LARGE``), hashing it, and sniffing its real type from its
   first bytes (PNG, JPEG, PDF, WebP, GIF, ZIP, UTF-8 text): the stored type is
   the sniffed one, it must be in ``[uploads] content_types`` and agree with the
   type the client declared (else ``UNSUPPORTED_MEDIA_TYPE``). A refused file is
   deleted at once.
2. :func:`save_attachment` (inside the unit of work) checks the record it is
   linked to, adds the ``core_attachment`` row and moves the file into place
   (``<site>/attachments/<ab>/<key>``). If the transaction then rolls back, the
   file is removed again: no row without a file, no file without a row.

Who may see an attachment: whoever may read the record it is linked to
(the Casbin ``read`` on ``<plugin>.<entity>`` of the record's table, and the
record visible through row scopes). A file not linked to a record is visible
to its uploader, and to users allowed ``manage`` on ``core.attachment``.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Integer, event, select
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.errors import Forbidden, NotFound, TenonError, ValidationError
from tenon.core.models import Attachment

if TYPE_CHECKING:
    from tenon.core.access import Actor
    from tenon.core.kernel import Tenon

__all__ = [
    "PayloadTooLarge",
    "StagedFile",
    "UnsupportedMediaType",
    "attachment_path",
    "check_entity",
    "create_attachment",
    "readable",
    "save_attachment",
    "sniff",
    "stage_upload",
]

CHUNK = 64 * 1024
INCOMING = ".incoming"
OCTET_STREAM = "application/octet-stream"
_PENDING_FILES = "tenon_attachment_files"
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


class PayloadTooLarge(TenonError):
    """The file exceeds the site's ``[uploads] max_bytes``."""

    code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(TenonError):
    """The file's content is not an allowed type, or not the type it claims to be."""

    code = "UNSUPPORTED_MEDIA_TYPE"


# ----------------------------------------------------------------------------- sniffing

_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
]
_TEXT_CONTROLS = set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D}


def sniff(head: bytes, *, is_text: bool) -> str:
    """The content type of a file from its first bytes (``is_text``: the whole file is clean UTF-8)."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if is_text:
        return "text/plain"
    return OCTET_STREAM


_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "application/x-pdf": "application/pdf",
            "application/x-zip-compressed": "application/zip"}


def _media_type(value: str | None) -> str:
    kind = (value or "").split(";", 1)[0].strip().lower()
    return _ALIASES.get(kind, kind)


def _clean_filename(name: str | None) -> str:
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE_NAME.sub("", base).strip().strip(".") or "file"
    if len(base) > 255:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 250 - len(ext)] + dot + ext) if dot and len(ext) <= 16 else base[:255]
    return base


# ----------------------------------------------------------------------------- staging


@dataclass
class StagedFile:
    """A validated upload in a temporary file, not yet an attachment."""

    path: Path
    filename: str
    content_type: str
    size: int
    sha256: str
    saved: bool = field(default=False)

    def discard(self) -> None:
        """Delete the temporary file (no-op once saved)."""
        if not self.saved:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


def _incoming_dir(app: Tenon) -> Path:
    path = app.site.attachments_dir / INCOMING
    path.mkdir(parents=True, exist_ok=True)
    return path


def stage_upload(app: Tenon, stream: IO[bytes], *, filename: str | None, declared_type: str | None) -> StagedFile:
    """Stream ``stream`` to a temporary file and validate it (size, real type).

    Plain sync file I/O and no database: call it from a thread
    (``await asyncio.to_thread(stage_upload, ...)``).

    :param app: the site's app (its ``[uploads]`` settings and attachment directory).
    :param stream: a binary file object, read from its current position.
    :param filename: the client's file name (any directory part is dropped).
    :param declared_type: the client's content type; ``application/octet-stream``
        or empty means "unknown" (then the sniffed type is used).
    :returns: the staged file; pass it to :func:`save_attachment`, or call ``discard()``.
    :raises PayloadTooLarge: more than ``[uploads] max_bytes``.
    :raises UnsupportedMediaType: a type not in ``[uploads] content_types``, or not the declared one.
    :raises ValidationError: an empty file.
    """
    max_bytes = int(app.site.setting("uploads", "max_bytes"))
    allowed = {_media_type(t) for t in app.site.setting("uploads", "content_types")}
    declared = _media_type(declared_type)
    path = _incoming_dir(app) / f"{uuid.uuid4().hex}.part"
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    is_text = True
    head = b""
    size = 0
    try:
        with path.open("xb") as out:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(f"the file is larger than {max_bytes} bytes", field="file",
                                          details={"maxBytes": max_bytes})
                if len(head) < 64:
                    head += chunk[: 64 - len(head)]
                if is_text:
                    try:
                        decoder.decode(chunk)
                        is_text = not (_TEXT_CONTROLS & set(chunk))
                    except UnicodeDecodeError:
                        is_text = False
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationError("the file is empty", field="file")
        if is_text:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                is_text = False
        detected = sniff(head, is_text=is_text)
        kind = detected
        if detected == "text/plain" and declared.startswith("text/"):
            kind = declared  # text/csv and friends cannot be told apart by content
        elif declared not in ("", OCTET_STREAM) and declared != detected:
            raise UnsupportedMediaType(f"the file's content is {detected}, not {declared}", field="file",
                                       details={"detected": detected, "declared": declared})
        if kind not in allowed:
            raise UnsupportedMediaType(f"files of type {kind} are not accepted", field="file",
                                       details={"detected": kind, "allowed": sorted(allowed)})
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        raise
    return StagedFile(path=path, filename=_clean_filename(filename), content_type=kind, size=size,
                      sha256=digest.hexdigest())


# ----------------------------------------------------------------------------- linking and access


def _model_for_table(app: Tenon, table: str) -> tuple[str, type] | None:
    for plugin, models in app.models_by_plugin.items():
        for model in models:
            if model.__tablename__ == table:  # type: ignore[attr-defined]
                return plugin, model
    return None


def check_entity(session: Session, entity_type: str | None, entity_id: str | None) -> None:
    """Check that the session's actor may read the record ``entity_type``/``entity_id``.

    ``entity_type`` is the record's table (``orders_sales_order``); reading needs
    Casbin ``read`` on its object (``orders.sales_order``) and the row visible
    through the actor's row scopes. Both ``None``: no record (allowed).

    :raises ValidationError: only one of the two given, an unknown table, a bad id.
    :raises Forbidden: the actor may not read records of that table.
    :raises NotFound: no such record, or not visible to the actor.
    """
    if entity_type is None and entity_id is None:
        return
    if not entity_type or entity_id is None or str(entity_id) == "":
        raise ValidationError("give both entityType and entityId, or neither",
                              field="entityId" if entity_type else "entityType")
    app: Tenon = session.info["app"]
    found = _model_for_table(app, entity_type)
    if found is None:
        raise ValidationError(f"unknown entity type {entity_type!r} (expected a table name)", field="entityType")
    plugin, model = found
    actor: Actor | None = session.info.get("actor")
    obj = f"{plugin}.{entity_type[len(plugin) + 1:]}"
    if actor is not None and not app.access.can(actor, obj, "read"):
        raise Forbidden(f"not allowed: read on {obj}")
    pk = model.__mapper__.primary_key  # type: ignore[attr-defined]
    if len(pk) != 1:
        raise ValidationError(f"records of {entity_type} cannot have attachments", field="entityType")
    column = pk[0]
    value: Any = str(entity_id)
    if isinstance(column.type, Integer):
        try:
            value = int(value)
        except ValueError:
            raise ValidationError("not a record id", field="entityId") from None
    # an ORM select, so the actor's row scopes apply
    if session.scalar(select(model).where(column == value)) is None:
        raise NotFound(f"no {entity_type} record {entity_id}", field="entityId")


def readable(session: Session, attachment: Attachment) -> bool:
    """Whether the session's actor may see ``attachment`` (see the module docs)."""
    actor: Actor | None = session.info.get("actor")
    app: Tenon = session.info["app"]
    if actor is None or actor.system:
        return True
    if not app.access.can(actor, "core.attachment", "read"):
        return False
    if attachment.entity_type is None:
        return attachment.created_by == actor.username or app.access.can(actor, "core.attachment", "manage")
    try:
        check_entity(session, attachment.entity_type, attachment.entity_id)
    except TenonError:
        return False
    return True


def attachment_path(app: Tenon, attachment: Attachment) -> Path:
    """Where the file of ``attachment`` is stored."""
    return app.site.attachments_dir / attachment.storage_key


# ----------------------------------------------------------------------------- saving


def save_attachment(session: Session, staged: StagedFile, *, entity_type: str | None = None,
                    entity_id: str | int | None = None) -> Attachment:
    """Record ``staged`` as an attachment of a record and move its file into place.

    Inside the unit of work; never commits. If the transaction rolls back, the
    moved file is deleted again.

    :raises ValidationError | Forbidden | NotFound: see :func:`check_entity`.
    """
    entity = None if entity_id is None else str(entity_id)
    check_entity(session, entity_type, entity)
    app: Tenon = session.info["app"]
    actor: Actor | None = session.info.get("actor")
    key = uuid.uuid4().hex
    storage_key = f"{key[:2]}/{key}"
    row = Attachment(entity_type=entity_type, entity_id=entity, filename=staged.filename,
                     content_type=staged.content_type, size=staged.size, sha256=staged.sha256,
                     storage_key=storage_key, created_at=utcnow(),
                     created_by=actor.username if actor is not None else None)
    session.add(row)
    session.flush()
    final = app.site.attachments_dir / storage_key
    final.parent.mkdir(parents=True, exist_ok=True)
    _track(session, final)
    os.replace(staged.path, final)
    staged.saved = True
    return row


def create_attachment(session: Session, data: bytes | IO[bytes], *, filename: str,
                      content_type: str | None = None, entity_type: str | None = None,
                      entity_id: str | int | None = None) -> Attachment:
    """Validate and store a file in one call (CLI commands, demo data, plugin services).

    Same checks as an upload; the file is written inside the caller's unit of work.
    """
    import io

    app: Tenon = session.info["app"]
    stream = io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data
    staged = stage_upload(app, stream, filename=filename, declared_type=content_type)
    try:
        return save_attachment(session, staged, entity_type=entity_type, entity_id=entity_id)
    finally:
        staged.discard()


# ----------------------------------------------------------------------------- rollback cleanup


def _track(session: Session, path: Path) -> None:
    tx = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING_FILES, []).append((tx, path))


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


@event.listens_for(Session, "after_soft_rollback")
def _files_rolled_back(session: Session, previous_transaction: Any) -> None:
    pending = session.info.get(_PENDING_FILES)
    if not pending:
        return
    keep = []
    for tx, path in pending:
        t = tx
        while t is not None and t is not previous_transaction:
            t = t.parent
        if t is None:
            keep.append((tx, path))
        else:
            _unlink(path)
    session.info[_PENDING_FILES] = keep


@event.listens_for(Session, "after_commit")
def _files_committed(session: Session) -> None:
    if session.info.get(_PENDING_FILES) and not session.in_nested_transaction():
        session.info.pop(_PENDING_FILES, None)


@event.listens_for(Session, "after_transaction_end")
def _files_abandoned(session: Session, transaction: Any) -> None:
    if transaction.parent is None and session.info.get(_PENDING_FILES):
        # the unit of work ended without a commit (closed): its files go too
        for _tx, path in session.info.pop(_PENDING_FILES):
            _unlink(path)
