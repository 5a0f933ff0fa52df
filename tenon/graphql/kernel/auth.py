"""Sign-in and tokens: ``login``, ``logout``, ``me``, API tokens."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from tenon.core import auth
from tenon.core.contributions import SchemaContribution
from tenon.core.errors import NotFound
from tenon.core.ids import decode_id
from tenon.core.models import CasbinRule, Token, User
from tenon.graphql.kernel.types import UserType
from tenon.graphql.permissions import Authenticated, Public, allowed


def user_types(session: Any, users: list[User]) -> list[UserType]:
    """GraphQL users with their roles, in one query for the whole page."""
    subjects = {f"user:{u.username}": u for u in users}
    roles: dict[str, list[str]] = {s: [] for s in subjects}
    rows = session.execute(select(CasbinRule.v0, CasbinRule.v1).where(
        CasbinRule.ptype == "g", CasbinRule.v0.in_(list(subjects)))).all() if subjects else []
    for subject, role in rows:
        if role and role != auth.BASE_ROLE:
            roles[subject].append(role)
    return [UserType(id=strawberry.ID(str(u.id)), username=u.username, display_name=u.display_name,
                     active=u.active, attributes=u.attributes or {}, roles=sorted(roles[s]))
            for s, u in subjects.items()]


def user_type(session: Any, user: User) -> UserType:
    return user_types(session, [user])[0]


@strawberry.type(description="The result of signing in.")
class LoginPayload:
    token: str = strawberry.field(description="Bearer token: send `Authorization: Bearer <token>`.")
    expires_at: dt.datetime | None = strawberry.field(description="When the token stops working.")
    user: UserType = strawberry.field(description="The signed-in user.")


@strawberry.type(description="A newly issued API token; the secret is shown only once.")
class ApiTokenPayload:
    id: strawberry.ID = strawberry.field(description="Token id, for revoking it.")
    token: str = strawberry.field(description="The secret bearer token.")


@strawberry.type
class AuthQuery:
    @strawberry.field(description="The signed-in user.", extensions=[Authenticated()])
    async def me(self, info: Info) -> UserType:
        context = info.context
        return await context.run(lambda s: user_type(s, s.get(User, context.actor.user_id)))


@strawberry.type
class AuthMutation:
    @strawberry.mutation(
        description="Sign in. Wrong credentials give UNAUTHENTICATED whether or not the user exists; "
        "repeated failures give TOO_MANY_ATTEMPTS for a while.",
        extensions=[Public()],
    )
    async def login(
        self,
        info: Info,
        username: Annotated[str, strawberry.argument(description="Login name.")],
        password: Annotated[str, strawberry.argument(description="Password.")],
    ) -> LoginPayload:
        context = info.context
        raw, user = await asyncio.to_thread(auth.login, context.tenon, username, password)

        def load(session: Any) -> LoginPayload:
            token = session.scalar(select(Token).where(Token.token_hash == auth.token_hash(raw)))
            u = session.get(User, user.id)
            return LoginPayload(token=raw, expires_at=token.expires_at if token else None, user=user_type(session, u))

        return await context.run(load)

    @strawberry.mutation(description="Revoke the token this request was sent with.", extensions=[Authenticated()])
    async def logout(self, info: Info) -> bool:
        context = info.context
        await context.run(auth.revoke_token, context.actor.token_id)
        return True

    @strawberry.mutation(description="Issue an API token for a device or integration, bound to a user.",
                         extensions=allowed("core.token", "create"))
    async def api_token_create(
        self,
        info: Info,
        username: Annotated[str, strawberry.argument(description="The user the token acts as.")],
        name: Annotated[str, strawberry.argument(description="A label, e.g. the device name.")],
    ) -> ApiTokenPayload:
        def issue(session: Any) -> ApiTokenPayload:
            user = auth.get_user(session, username)
            raw = auth.issue_token(session, user, kind="api", name=name)
            token = session.scalar(select(Token).where(Token.token_hash == auth.token_hash(raw)))
            return ApiTokenPayload(id=strawberry.ID(str(token.id)), token=raw)

        return await info.context.run(issue)

    @strawberry.mutation(description="Revoke a token (session or API) by id.", extensions=allowed("core.token", "delete"))
    async def token_revoke(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="Token id.")]
    ) -> bool:
        def revoke(session: Any) -> bool:
            token = session.get(Token, decode_id(id))
            if token is None:
                raise NotFound(f"no token {id}", field="id")
            auth.revoke_token(session, token.id)
            return True

        return await info.context.run(revoke)


CONTRIBUTION = SchemaContribution(query=AuthQuery, mutation=AuthMutation)
