"""Users, password hashing (argon2id) and bearer tokens (stored as SHA-256 hashes)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, event, func, select, update
from sqlalchemy.orm import Session

from tenon.core.access import (
    PLUGINS_VERSION_KEY,
    POLICY_VERSION_KEY,
    Actor,
    add_policy_lines,
    remove_policy_lines,
    site_versions,
)
from tenon.core.audit import HEAD_KEY as AUDIT_HEAD_KEY
from tenon.core.audit import HEAD_SEEN as AUDIT_HEAD_SEEN
from tenon.core.db import utcnow
from tenon.core.errors import NotFound, TooManyAttempts, Unauthenticated, ValidationError
from tenon.core.models import CasbinRule, LoginFailure, Setting, Token, User

if TYPE_CHECKING:
    from tenon.core.kernel import Tenon

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("tenon-timing-equaliser")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.@-]{1,99}$")
BASE_ROLE = "user"


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValidationError("password must have at least 8 characters", field="password")
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_user(
    session: Session,
    username: str,
    *,
    password: str | None = None,
    display_name: str = "",
    roles: Iterable[str] = (),
    attributes: Mapping[str, Any] | None = None,
) -> User:
    """Create a user with roles (Casbin ``g`` lines) and attributes (``{"regions": ["east"]}``)."""
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise ValidationError(
            "username must be 2-100 characters of a-z, 0-9, _ . @ -", field="username"
        )
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValidationError(f"user {username!r} already exists", field="username")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password) if password else None,
        attributes=dict(attributes or {}),
    )
    session.add(user)
    session.flush()
    set_roles(session, user, roles)
    return user


def subject(user: User | str) -> str:
    return f"user:{user if isinstance(user, str) else user.username}"


def user_roles(session: Session, user: User) -> list[str]:
    rows = session.scalars(
        select(CasbinRule.v1).where(CasbinRule.ptype == "g", CasbinRule.v0 == subject(user))
    ).all()
    return sorted(r for r in rows if r and r != BASE_ROLE)


def set_roles(session: Session, user: User, roles: Iterable[str]) -> None:
    wanted = {r.strip() for r in roles if r.strip()} | {BASE_ROLE}
    current = set(user_roles(session, user)) | {BASE_ROLE}
    remove_policy_lines(session, [("g", subject(user), r) for r in current - wanted])
    add_policy_lines(session, [("g", subject(user), r) for r in sorted(wanted)])


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"no user {username!r}", field="username")
    return user


TOKEN_USE_RESOLUTION = dt.timedelta(hours=1)
"""How precisely ``core_token.last_used_at`` follows use: it is written at most once per hour."""


TOKEN_USED = "token_used"


@event.listens_for(Session, "before_commit")
def _record_token_use(session: Session) -> None:
    """Stamp ``core_token.last_used_at`` (at most hourly per token: the health check's "unused"
    finding) just before the unit of work commits, so the request holds no write lock before
    then (SQLite allows one writer; an idempotency claim writes from another connection). A plain
    UPDATE: bookkeeping, not an audited change of the token."""
    used = session.info.pop(TOKEN_USED, None)
    if used is not None:
        session.execute(update(Token).where(Token.id == used[0]).values(last_used_at=used[1])
                        .execution_options(synchronize_session=False))


def actor_of(user: User, token_id: int | None = None) -> Actor:
    return Actor(user_id=user.id, username=user.username, attributes=dict(user.attributes or {}), token_id=token_id)


def issue_token(session: Session, user: User, *, kind: str = "session", name: str = "",
                ttl: dt.timedelta | None = None) -> str:
    """Create a bearer token for ``user``; only its hash is stored. Returns the raw token."""
    raw = f"tnn_{secrets.token_urlsafe(32)}"
    session.add(Token(user_id=user.id, token_hash=token_hash(raw), kind=kind, name=name,
                      expires_at=utcnow() + ttl if ttl else None))
    session.flush()
    return raw


def actor_for_token(session: Session, raw: str) -> Actor | None:
    """The actor a bearer token stands for, or ``None`` (unknown, expired, revoked, inactive user)."""
    row = session.execute(
        select(Token, User).join(User, User.id == Token.user_id).where(Token.token_hash == token_hash(raw))
    ).first()
    if row is None:
        return None
    token, user = row
    now = utcnow()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now) or not user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_RESOLUTION:
        session.info[TOKEN_USED] = (token.id, now)  # written at commit: see _record_token_use
    return actor_of(user, token.id)


_SETTINGS, _TOKENS, _USERS = Setting.__table__, Token.__table__, User.__table__


def _version(key: str) -> Any:
    return select(_SETTINGS.c.value).where(_SETTINGS.c.key == key).scalar_subquery()


# Built once: a statement object keeps its cache key, so a request neither builds nor keys them.
# On the tables, run on the session's connection: no row scope applies to tokens, users or settings
# (and none is bound yet), so the statement skips the ORM's execution layer (~50 us a request).
_SIGN_IN_COLUMNS = (_version(POLICY_VERSION_KEY), _version(PLUGINS_VERSION_KEY), _TOKENS.c.id, _TOKENS.c.revoked_at,
                    _TOKENS.c.expires_at, _USERS.c.id, _USERS.c.username, _USERS.c.attributes, _USERS.c.active,
                    _TOKENS.c.last_used_at, _version(AUDIT_HEAD_KEY))
_TIMEOUT = func.set_config("statement_timeout", bindparam("timeout"), True)


def _signing_in(*extra: Any) -> Any:
    return (select(*_SIGN_IN_COLUMNS, *extra).join_from(_TOKENS, _USERS, _USERS.c.id == _TOKENS.c.user_id)
            .where(_TOKENS.c.token_hash == bindparam("token_hash")))


_SIGN_IN = _signing_in()
_SIGN_IN_TIMEOUT = _signing_in(_TIMEOUT)
_SET_TIMEOUT = select(_TIMEOUT)


def sign_in(session: Session, raw: str | None, *, statement_timeout_ms: int | None = None
            ) -> tuple[Actor | None, tuple[int, int]]:
    """What every request reads first, in one statement: the actor behind the bearer token ``raw``
    (``None``: no token, or an unknown, expired or revoked one, or an inactive user, as
    :func:`actor_for_token`) and the site's ``(policy version, plugin-set version)``
    (:func:`tenon.core.access.site_versions`).

    The same statement reads the audit chain's head: a mutation's entries chain from it, and the
    UPDATE that moves it checks that it is still that head (:mod:`tenon.core.audit`), so a
    mutation needs no read of its own for it.

    Nothing read here is cached between requests: a revoked token, a deactivated user or a changed
    policy takes effect on the very next request in every worker; merging the reads only saves
    round trips. (What a worker keeps is keyed by the versions read here: Casbin's decisions by
    the policy version, numbering definitions by the plugin-set version.)

    :param statement_timeout_ms: on PostgreSQL, also ``SET LOCAL statement_timeout`` for the
        transaction (``set_config(..., true)`` in the same statement).
    """
    timeout = {"timeout": str(int(statement_timeout_ms))} if statement_timeout_ms is not None else None
    if raw:
        params = {"token_hash": token_hash(raw), **(timeout or {})}
        row = session.connection().execute(_SIGN_IN if timeout is None else _SIGN_IN_TIMEOUT, params).first()
        if row is not None:
            policy, plugins, token_id, revoked_at, expires_at, user_id, username, attributes, active, last_used = row[:10]
            versions = (int(policy or 0), int(plugins or 0))
            if row[10] is not None:
                session.info[AUDIT_HEAD_SEEN] = row[10]  # what a mutation's audit entries chain from
            now = utcnow()
            if revoked_at is not None or (expires_at is not None and expires_at <= now) or not active:
                return None, versions
            if last_used is None or now - last_used > TOKEN_USE_RESOLUTION:
                session.info[TOKEN_USED] = (token_id, now)  # written at commit: see _record_token_use
            return Actor(user_id=user_id, username=username, attributes=dict(attributes or {}),
                         token_id=token_id), versions
    if timeout is not None:
        session.execute(_SET_TIMEOUT, timeout)
    return None, site_versions(session)


def revoke_token(session: Session, token_id: int) -> None:
    token = session.get(Token, token_id)
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()


def login(app: Tenon, username: str, password: str) -> tuple[str, User]:
    """Check credentials and open a session token.

    The same ``UNAUTHENTICATED`` answer whether the user exists or not (a dummy
    hash is verified for unknown users so timing does not tell either). After
    ``auth.max_failures`` failures for a username within the window, further
    attempts get ``TOO_MANY_ATTEMPTS`` until the window passes. Failures are
    recorded in their own transaction, since the login's own rolls back.
    """
    username = username.strip().lower()
    window = dt.timedelta(minutes=int(app.site.setting("auth", "failure_window_minutes")))
    max_failures = int(app.site.setting("auth", "max_failures"))
    with app.transaction() as s:
        since = utcnow() - window
        failures = s.scalar(
            select(func.count()).select_from(LoginFailure)
            .where(LoginFailure.username == username, LoginFailure.at > since)
        ) or 0
        if failures >= max_failures:
            raise TooManyAttempts("too many failed logins; try again later", field="username")
        user = s.scalar(select(User).where(User.username == username))
        ok = verify_password(user.password_hash if user else None, password)
        if ok and user is not None and user.active:
            s.execute(delete(LoginFailure).where(LoginFailure.username == username))
            hours = float(app.site.setting("auth", "session_hours"))
            return issue_token(s, user, kind="session", ttl=dt.timedelta(hours=hours)), user
    with app.transaction() as s:
        s.add(LoginFailure(username=username))
    raise Unauthenticated("invalid username or password")
