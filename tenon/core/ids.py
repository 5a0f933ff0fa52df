"""Record ids as clients send them, and loading a record by id through the row scope.

GraphQL ids are strings (``ID``); the database's are 64-bit integers. One rule for every plugin:

* a malformed id (not a decimal integer, or outside ``1 .. 2**63 - 1``) is bad input:
  ``VALIDATION`` naming the argument;
* a well-formed id that names no record, or a record outside the caller's row scope, is
  ``NOT_FOUND`` (naming the argument): a client cannot tell the two apart, by design.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.errors import NotFound, ValidationError

#: The largest id a 64-bit signed integer column holds (PostgreSQL ``bigint``, SQLite ``INTEGER``).
MAX_ID = 2**63 - 1

T = TypeVar("T")


def decode_id(value: Any, field: str = "id") -> int:
    """The integer id in ``value`` (an ``int`` or a decimal string such as a GraphQL ``ID``).

    :param value: what the client sent.
    :param field: the argument or input path to name in the error (``lines[0].productId``).
    :raises ValidationError: ``VALIDATION`` when it is not an integer in ``1 .. 2**63 - 1``.
    """
    if isinstance(value, bool):
        raise ValidationError(f"{field} must be a record id", field=field)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 19:
            raise ValidationError(f"{field} must be a record id (a positive integer), not {str(value)[:40]!r}",
                                  field=field)
        number = int(text)
    if not 1 <= number <= MAX_ID:
        raise ValidationError(f"{field} must be a record id between 1 and {MAX_ID}", field=field)
    return number


def get_record(session: Session, model: type[T], value: Any, *, field: str = "id", what: str | None = None) -> T:
    """Load one ``model`` row by id with an ORM ``select``, so the actor's row scope applies.

    :param value: the id as the client sent it (decoded with :func:`decode_id`).
    :param field: the argument to name in errors.
    :param what: how to call the record in the message (default: the table name's entity part).
    :raises ValidationError: a malformed id.
    :raises NotFound: no such record, or not visible to the actor.
    """
    record_id = decode_id(value, field)
    row = session.scalars(select(model).where(model.id == record_id)).first()  # type: ignore[attr-defined]
    if row is None:
        label = what or model.__tablename__.partition("_")[2].replace("_", " ")  # type: ignore[attr-defined]
        raise NotFound(f"{label} {record_id} not found", field=field)
    return row
