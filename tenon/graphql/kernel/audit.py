"""The audit log, read-only, for auditors."""

from __future__ import annotations

import datetime as dt

from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from tenon.core.contributions import SchemaContribution
from tenon.core.models import AuditEntry
from tenon.graphql.kernel.types import AuditEntryType
from tenon.graphql.permissions import allowed
from tenon.graphql.relay import Connection, paginate


def _entry(e: AuditEntry) -> AuditEntryType:
    return AuditEntryType(id=strawberry.ID(str(e.id)), at=e.at, actor=e.actor, operation=e.operation,
                          request_id=e.request_id, entity_type=e.entity_type, entity_id=e.entity_id,
                          action=e.action, changes=e.changes, hash=e.hash)


@strawberry.type
class AuditQuery:
    @strawberry.field(description="Audit entries, newest first.", extensions=allowed("core.audit", "read"))
    async def audit_log(
        self, info: Info,
        entity_type: Annotated[str | None, strawberry.argument(description="Table, e.g. `orders_sales_order`.")] = None,
        entity_id: Annotated[str | None, strawberry.argument(description="Record id.")] = None,
        actor: Annotated[str | None, strawberry.argument(description="Username.")] = None,
        since: Annotated[dt.datetime | None, strawberry.argument(description="From this time (inclusive).")] = None,
        until: Annotated[dt.datetime | None, strawberry.argument(description="Before this time.")] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size.")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor to continue after.")] = None,
    ) -> Connection[AuditEntryType]:
        stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
        if entity_type:
            stmt = stmt.where(AuditEntry.entity_type == entity_type)
        if entity_id:
            stmt = stmt.where(AuditEntry.entity_id == entity_id)
        if actor:
            stmt = stmt.where(AuditEntry.actor == actor)
        if since:
            stmt = stmt.where(AuditEntry.at >= since)
        if until:
            stmt = stmt.where(AuditEntry.at < until)
        return await paginate(info.context, stmt, first=first, after=after, convert=_entry)


CONTRIBUTION = SchemaContribution(query=AuditQuery)
