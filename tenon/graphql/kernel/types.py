"""GraphQL types shared by the kernel's fields."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON


@strawberry.type(name="User", description="A person or device account.")
class UserType:
    id: strawberry.ID = strawberry.field(description="User id.")
    username: str = strawberry.field(description="Login name (lowercase).")
    display_name: str = strawberry.field(description="Name shown to people.")
    active: bool = strawberry.field(description="Inactive users cannot sign in and their tokens stop working.")
    attributes: JSON = strawberry.field(description='Attributes used by row scopes, e.g. {"regions": ["east"]}.')
    roles: list[str] = strawberry.field(description="Roles granted to the user (besides the base role `user`).")


@strawberry.type(description="A policy line: a role may do `action` on `object`, within `scope`.")
class PolicyLine:
    role: str = strawberry.field(description="Role name.")
    object: str = strawberry.field(description="Object `<plugin>.<entity>`, or `*`.")
    action: str = strawberry.field(description="Action (`read`, `create`, ...), or `*`.")
    scope: str = strawberry.field(description="`*` for every row, or the name of a row scope such as `region`.")


@strawberry.type(description="Why a user may (or may not) do an action on an object.")
class AccessExplanation:
    username: str = strawberry.field(description="The user asked about.")
    object: str = strawberry.field(description="The object asked about.")
    action: str = strawberry.field(description="The action asked about.")
    allowed: bool = strawberry.field(description="Whether the action is allowed.")
    roles: list[str] = strawberry.field(description="The user's roles, including inherited ones.")
    policies: list[PolicyLine] = strawberry.field(description="The policy lines that allow it (empty when denied).")
    row_scope: str | None = strawberry.field(
        description="For reads of scoped records: `all rows`, `no rows`, or the SQL-level filter that applies.")


@strawberry.type(description="An entry of the append-only audit log.")
class AuditEntryType:
    id: strawberry.ID = strawberry.field(description="Entry id (increasing).")
    at: dt.datetime = strawberry.field(description="When the change was committed.")
    actor: str | None = strawberry.field(description="Username of who made the change.")
    operation: str = strawberry.field(description="The GraphQL operation or CLI command.")
    request_id: str | None = strawberry.field(description="Request id, as in the server log.")
    entity_type: str = strawberry.field(description="Table of the changed record.")
    entity_id: str = strawberry.field(description="Id of the changed record.")
    action: str = strawberry.field(description="`create`, `update` or `delete`.")
    changes: JSON = strawberry.field(description="Changed fields: {field: [before, after]}.")
    hash: str = strawberry.field(description="Hash of this entry, chained to the previous one.")
