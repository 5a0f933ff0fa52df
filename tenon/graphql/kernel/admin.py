"""Administration: users, role assignments, grants, and "why can X do Y"."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import func, or_, select
from strawberry.scalars import JSON
from strawberry.types import Info

from tenon.core import auth
from tenon.core.access import Actor, add_policy_lines, check_roles, remove_policy_lines
from tenon.core.contributions import SchemaContribution
from tenon.core.errors import ValidationError
from tenon.core.models import CasbinRule, User
from tenon.graphql.kernel.auth import user_type, user_types
from tenon.graphql.kernel.types import AccessExplanation, PolicyLine, UserType
from tenon.graphql.permissions import allowed
from tenon.graphql.relay import Connection, OrderDirection, apply_order, paginate


@strawberry.input(description="A new user.")
class UserCreateInput:
    username: str = strawberry.field(description="Login name (2-100 of a-z 0-9 _ . @ -).")
    password: str = strawberry.field(description="At least 8 characters.")
    display_name: str = strawberry.field(default="", description="Name shown to people.")
    roles: list[str] = strawberry.field(default_factory=list,
                                        description="Roles to grant; each must be defined by a policy line.")
    # default null, not {}: graphql-core cannot print a JSON {} default in introspection
    attributes: JSON | None = strawberry.field(default=None, description='E.g. {"regions": ["east"]}; default none.')


@strawberry.input(description="Changes to a user; omitted fields stay as they are.")
class UserUpdateInput:
    username: str = strawberry.field(description="The user to change.")
    display_name: str | None = strawberry.field(default=None, description="New display name.")
    active: bool | None = strawberry.field(default=None, description="Deactivate to block sign-in and tokens.")
    roles: list[str] | None = strawberry.field(
        default=None, description="The complete new role list; each must be defined by a policy line.")
    attributes: JSON | None = strawberry.field(default=None, description="The complete new attributes.")
    password: str | None = strawberry.field(default=None, description="A new password.")


@strawberry.enum(description="What users can be sorted by.")
class UserOrderField(enum.Enum):
    USERNAME = strawberry.enum_value("username", description="Login name.")
    DISPLAY_NAME = strawberry.enum_value("display_name", description="Name shown to people.")
    CREATED_AT = strawberry.enum_value("created_at", description="When the user was created.")


@strawberry.input(description="How to sort users.")
class UserOrder:
    field: UserOrderField = strawberry.field(default=UserOrderField.USERNAME, description="Sort key.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC, description="Direction.")


@strawberry.input(description="Which users to list; all given conditions must hold.")
class UserFilter:
    search: str | None = strawberry.field(default=None, description="Part of the username or display name.")
    active: bool | None = strawberry.field(default=None, description="Only active (true) or inactive (false) users.")
    role: str | None = strawberry.field(default=None, description="Only users granted this role directly.")


USER_ORDER_COLUMNS = {
    UserOrderField.USERNAME: User.username,
    UserOrderField.DISPLAY_NAME: User.display_name,
    UserOrderField.CREATED_AT: User.created_at,
}


@strawberry.input(description="A policy line to add or remove.")
class PolicyInput:
    role: str = strawberry.field(description="Role name.")
    object: str = strawberry.field(description="Object `<plugin>.<entity>` or `*`.")
    action: str = strawberry.field(description="Action or `*`.")
    scope: str = strawberry.field(default="*", description="`*` or a row scope name.")


def _check_attributes(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(v, (list, str, int, bool)) for v in value.values()):
        raise ValidationError("attributes must be an object of lists or values", field="attributes")
    return dict(value)


def _line(p: PolicyInput) -> tuple[str, ...]:
    for name in ("role", "object", "action", "scope"):
        if not getattr(p, name).strip() or "," in getattr(p, name):
            raise ValidationError(f"{name} must be non-empty and without commas", field=f"policy.{name}")
    return ("p", p.role.strip(), p.object.strip(), p.action.strip(), p.scope.strip())


@strawberry.type
class AdminQuery:
    @strawberry.field(description="Users, by username.", extensions=allowed("core.user", "read"))
    async def users(
        self, info: Info,
        filter: Annotated[UserFilter | None, strawberry.argument(description="Conditions on the users.")] = None,
        order_by: Annotated[UserOrder | None, strawberry.argument(description="Sort order (default: username).")] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size.")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor to continue after.")] = None,
    ) -> Connection[UserType]:
        stmt = apply_order(select(User), order_by, USER_ORDER_COLUMNS, default=UserOrderField.USERNAME,
                           tiebreaker=User.id)
        if filter is not None:
            if filter.search:
                like = f"%{filter.search.lower()}%"
                stmt = stmt.where(or_(User.username.like(like), func.lower(User.display_name).like(like)))
            if filter.active is not None:
                stmt = stmt.where(User.active.is_(filter.active))
            if filter.role:
                stmt = stmt.where(select(CasbinRule.id).where(
                    CasbinRule.ptype == "g", CasbinRule.v0 == "user:" + User.username,
                    CasbinRule.v1 == filter.role).exists())
        page = await paginate(info.context, stmt, first=first, after=after)
        page.nodes = await info.context.run(user_types, page.nodes)
        return page

    @strawberry.field(description="Every policy line (role grants), in the site database.",
                      extensions=allowed("core.policy", "read"))
    async def policies(
        self, info: Info,
        role: Annotated[str | None, strawberry.argument(description="Only this role's lines.")] = None,
    ) -> list[PolicyLine]:
        def load(session: Any) -> list[PolicyLine]:
            stmt = select(CasbinRule).where(CasbinRule.ptype == "p").order_by(CasbinRule.v0, CasbinRule.v1, CasbinRule.v2)
            if role:
                stmt = stmt.where(CasbinRule.v0 == role)
            return [PolicyLine(role=r.v0 or "", object=r.v1 or "", action=r.v2 or "", scope=r.v3 or "*")
                    for r in session.scalars(stmt)]

        return await info.context.run(load)

    @strawberry.field(description="Explain whether a user may do an action on an object, and which rows a read covers.",
                      extensions=allowed("core.policy", "read"))
    async def explain_access(
        self, info: Info,
        username: Annotated[str, strawberry.argument(description="The user.")],
        object: Annotated[str, strawberry.argument(description="Object `<plugin>.<entity>`.")],
        action: Annotated[str, strawberry.argument(description="Action, e.g. `read`.")],
    ) -> AccessExplanation:
        access = info.context.tenon.access

        def explain(session: Any) -> AccessExplanation:
            user = auth.get_user(session, username)
            actor = Actor(user_id=user.id, username=user.username, attributes=dict(user.attributes or {}))
            lines = access.matching_policies(actor, object, action)
            scope_text = None
            scoped = [s for s in access.row_scopes_for(object)] if action == "read" else []
            if scoped:
                names = access.scope_names(actor, object, action)
                if names is None:
                    scope_text = "all rows"
                elif not names:
                    scope_text = "no rows"
                else:
                    parts = [f"{s.name}: {s.describe(s.values_of(actor.attributes))}"
                             for s in scoped if s.name in names]
                    scope_text = "; ".join(parts) or "no rows"
            return AccessExplanation(
                username=user.username, object=object, action=action,
                allowed=access.can(actor, object, action), roles=access.roles(actor),
                policies=[PolicyLine(role=r, object=o, action=a, scope=sc) for r, o, a, sc in lines],
                row_scope=scope_text,
            )

        return await info.context.run(explain)


@strawberry.type
class AdminMutation:
    @strawberry.mutation(description="Create a user.", extensions=allowed("core.user", "create"))
    async def user_create(
        self, info: Info, input: Annotated[UserCreateInput, strawberry.argument(description="The new user.")]
    ) -> UserType:
        def create(session: Any) -> UserType:
            check_roles(session, input.roles)
            user = auth.create_user(session, input.username, password=input.password, display_name=input.display_name,
                                    roles=input.roles, attributes=_check_attributes(input.attributes or {}))
            return user_type(session, user)

        return await info.context.run(create)

    @strawberry.mutation(description="Change a user: name, active flag, roles, attributes, password.",
                         extensions=allowed("core.user", "update"))
    async def user_update(
        self, info: Info, input: Annotated[UserUpdateInput, strawberry.argument(description="What to change.")]
    ) -> UserType:
        def update(session: Any) -> UserType:
            user = auth.get_user(session, input.username)
            if input.display_name is not None:
                user.display_name = input.display_name
            if input.active is not None:
                user.active = input.active
            if input.attributes is not None:
                user.attributes = _check_attributes(input.attributes)
            if input.password is not None:
                user.password_hash = auth.hash_password(input.password)
            if input.roles is not None:
                check_roles(session, input.roles)
                auth.set_roles(session, user, input.roles)
            session.flush()
            return user_type(session, user)

        return await info.context.run(update)

    @strawberry.mutation(description="Grant: add a policy line. Every worker applies it from the next request.",
                         extensions=allowed("core.policy", "update"))
    async def policy_add(
        self, info: Info, policy: Annotated[PolicyInput, strawberry.argument(description="The line to add.")]
    ) -> PolicyLine:
        line = _line(policy)
        await info.context.run(add_policy_lines, [line])
        return PolicyLine(role=line[1], object=line[2], action=line[3], scope=line[4])

    @strawberry.mutation(description="Revoke: remove a policy line. Returns whether it existed.",
                         extensions=allowed("core.policy", "update"))
    async def policy_remove(
        self, info: Info, policy: Annotated[PolicyInput, strawberry.argument(description="The line to remove.")]
    ) -> bool:
        return bool(await info.context.run(remove_policy_lines, [_line(policy)]))


CONTRIBUTION = SchemaContribution(query=AdminQuery, mutation=AdminMutation)
