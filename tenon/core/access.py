"""Roles and policies (Casbin) and row scopes applied as SQL.

How a decision is made, in order:

1. The kernel's system actor (CLI, migrations, demo data) may do anything.
2. Otherwise Casbin decides ``(user:<name>, object, action)`` from the policy
   lines in ``core_casbin_rule`` (plugins' defaults plus runtime grants).
3. For reads of a model that a plugin scoped (:class:`RowScope`), the
   ``scope`` column of the policy lines that allowed the read picks the SQL
   criterion: ``*`` adds none; a scope name adds that scope's criterion (several
   are OR-ed); no line at all adds ``false``. The criterion is attached to
   every ORM statement of the request's session through ``with_loader_criteria``,
   so lists, lookups by id, nested fields, counts, aggregates and mutation
   targets all pass through the same gate. Rows are never filtered in Python.

Policies live in the database, so every worker sees a change: writers bump the
``policy_version`` setting, and each request reloads the enforcer when the
version it holds is older.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import casbin
from sqlalchemy import ColumnElement, event, false, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy_adapter import Adapter

from tenon.core.errors import ValidationError
from tenon.core.models import CasbinRule, Setting
from tenon.core.sequences import SITE_VERSION_KEY

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

logging.getLogger("casbin").setLevel(logging.WARNING)  # it logs every policy line at INFO
MODEL_PATH = Path(__file__).with_name("rbac_model.conf")
POLICY_VERSION_KEY = "policy_version"
UNSCOPED = "tenon_unscoped"


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user (through a session or API token) or the system."""

    user_id: int | None
    username: str
    attributes: Mapping[str, Any] = field(default_factory=dict)
    system: bool = False
    token_id: int | None = None

    @property
    def subject(self) -> str:
        return f"user:{self.username}"


SYSTEM = Actor(user_id=None, username="system", system=True)


@dataclass(frozen=True)
class RowScope:
    """How the rows of ``model`` are narrowed for users whose policy names ``name``.

    :param model: the mapped class to filter.
    :param obj: the Casbin object whose ``read`` policies decide the scope.
    :param name: the scope name used in policy lines (``region``).
    :param attribute: the user attribute that holds the allowed values (``regions``).
    :param column: a column attribute of ``model`` compared with ``IN (values)``;
        index it.
    :param criteria: instead of ``column``, ``criteria(model, values)`` returns the
        SQL criterion (for rows scoped through a parent, e.g. order lines).
    """

    model: type
    obj: str
    name: str
    attribute: str
    column: str | None = None
    criteria: Callable[[type, list[Any]], ColumnElement[bool]] | None = None

    def values_of(self, attributes: Mapping[str, Any]) -> list[Any]:
        """The allowed values in a user's attributes: a list, or one plain value (``"east"``)."""
        raw = attributes.get(self.attribute)
        if raw is None:
            return []
        if isinstance(raw, (str, bytes, int, float, bool)):
            return [raw]
        return list(raw)

    def describe(self, values: list[Any]) -> str:
        """The SQL criterion as text, for explanations (``scopeplug_order.region IN ('east')``)."""
        try:
            return str(self.clause(values).compile(compile_kwargs={"literal_binds": True}))
        except Exception:  # a criterion that cannot be rendered literally: say what it is built from
            return f"{self.attribute} in {values!r}"

    def clause(self, values: list[Any], *, on: type | None = None) -> ColumnElement[bool]:
        """The criterion for ``values``; ``on``: built over another class with the same columns
        (a maintained counter of the model's rows, :mod:`tenon.core.counters`)."""
        model = on or self.model
        if self.criteria is not None:
            return self.criteria(model, values)
        assert self.column is not None, f"RowScope for {self.model.__name__} needs column or criteria"
        if not values:
            return false()
        return getattr(model, self.column).in_(values)


#: at most this many users' bound row-scope options kept per policy version; past it, a user's
#: options are built for each request rather than remembered
_CACHE_LIMIT = 20_000


def _frozen(value: Any) -> Any:
    """A hashable, order-independent form of a user's attributes (JSON values)."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(_frozen(v) for v in value)
    return value


def _matching(enforcer: casbin.Enforcer, actor: Actor, obj: str, act: str) -> list[list[str]]:
    out = []
    for p in enforcer.get_implicit_permissions_for_user(actor.subject):
        _role, pobj, pact, *rest = p
        if pobj in ("*", obj) and pact in ("*", act):
            out.append([_role, pobj, pact, rest[0] if rest else "*"])
    return out


class AccessControl:
    """One per app: the Casbin enforcer over the site database plus the declared row scopes."""

    def __init__(self, engine: Engine, scopes: Iterable[RowScope] = ()) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        # What is loaded, swapped as one tuple (never mutated in place but for the caches): the
        # enforcer, its policy version, the scope names and the decisions per (subject, obj, act).
        # A reader takes the tuple once, so a reload in another thread can never pair one
        # enforcer's answers with another's cache. Policies change only through the database and a
        # version bump (``add_policy_lines`` ...), which reloads: nothing else edits the enforcer.
        self._loaded: tuple[casbin.Enforcer | None, int | None, dict[tuple[str, str, str], frozenset[str] | None],
                            dict[tuple[str, str, str], bool]] = (None, None, {}, {})
        self.scopes: dict[type, list[RowScope]] = {}
        for s in scopes:
            self.scopes.setdefault(s.model, []).append(s)

    # -- loading -----------------------------------------------------------------
    def _build(self) -> casbin.Enforcer:
        adapter = Adapter(self._engine, db_class=CasbinRule, create_table=False)
        return casbin.Enforcer(str(MODEL_PATH), adapter)

    def reload(self, version: int | None = None) -> None:
        enforcer = self._build()
        with self._lock:
            self._loaded = (enforcer, version, {}, {})

    @property
    def version(self) -> int | None:
        return self._loaded[1]

    def ensure_version(self, version: int) -> None:
        """Reload when the database holds newer policies than this worker."""
        enforcer, loaded_version, _scopes, _decisions = self._loaded
        if enforcer is None or loaded_version != version:
            self.reload(version)

    def _current(self) -> tuple[casbin.Enforcer, int | None, dict[tuple[str, str, str], frozenset[str] | None],
                                dict[tuple[str, str, str], bool]]:
        if self._loaded[0] is None:
            self.reload()
        return self._loaded  # type: ignore[return-value]

    @property
    def enforcer(self) -> casbin.Enforcer:
        return self._current()[0]

    def row_scopes_for(self, obj: str) -> list[RowScope]:
        return [s for scopes in self.scopes.values() for s in scopes if s.obj == obj]

    # -- decisions -----------------------------------------------------------------
    def can(self, actor: Actor, obj: str, act: str) -> bool:
        if actor.system:
            return True
        enforcer, _version, _scopes, decisions = self._current()
        key = (actor.subject, obj, act)
        decision = decisions.get(key)
        if decision is None:
            # the matcher is evaluated per call (simpleeval over every policy line): about 0.3 ms,
            # asked several times per request; the answer only changes with the policy version
            decision = decisions[key] = bool(enforcer.enforce(*key))
        return decision

    def roles(self, actor: Actor) -> list[str]:
        if actor.system:
            return ["admin"]
        return sorted(self.enforcer.get_implicit_roles_for_user(actor.subject))

    def matching_policies(self, actor: Actor, obj: str, act: str) -> list[list[str]]:
        """The policy lines (``[role, obj, act, scope]``) that allow ``act`` on ``obj``."""
        return _matching(self.enforcer, actor, obj, act)

    def scope_names(self, actor: Actor, obj: str, act: str = "read") -> frozenset[str] | None:
        """``None`` for every row, else the scope names that apply (empty: no row)."""
        if actor.system:
            return None
        enforcer, _version, cache, _decisions = self._current()
        key = (actor.subject, obj, act)
        if key in cache:
            return cache[key]
        names: set[str] = set()
        result: frozenset[str] | None = frozenset()
        for _role, _o, _a, scope in _matching(enforcer, actor, obj, act):
            if scope in ("*", ""):
                result = None
                break
            names.add(scope)
        else:
            result = frozenset(names)
        cache[key] = result
        return result

    def criteria_for(self, actor: Actor, act: str = "read", obj: str | None = None) -> dict[type, ColumnElement[bool]]:
        """The SQL criterion per scoped model for ``actor`` doing ``act`` (models absent: unrestricted).

        :param obj: only the models scoped under this Casbin object.
        """
        out: dict[type, ColumnElement[bool]] = {}
        for model, scopes in self.scopes.items():
            model_obj = scopes[0].obj
            if obj is not None and model_obj != obj:
                continue
            names = self.scope_names(actor, model_obj, act)
            if names is None:
                continue
            clauses = [
                s.clause(s.values_of(actor.attributes))
                for s in scopes
                if s.name in names
            ]
            out[model] = or_(*clauses) if clauses else false()
        return out

    def bind(self, session: Session, actor: Actor) -> None:
        """Make every ORM statement of ``session`` honour ``actor``'s row scopes.

        The options are built once per unit of work, not per statement (measured: ~2x on scoped
        ORM reads), and reused for the next request of the same user with the same attributes
        under the same policy version (building them was ~0.2 ms of a scoped request): a scope's
        ``criteria`` must therefore depend on its ``(model, values)`` only."""
        session.info["actor"] = actor
        _enforcer, _version, cache, _decisions = self._current()
        key = ("bind", actor.subject, _frozen(actor.attributes))
        options = cache.get(key)  # type: ignore[call-overload]
        if options is None:
            options = tuple(with_loader_criteria(model, crit, include_aliases=True)
                            for model, crit in self.criteria_for(actor).items())
            if len(cache) < _CACHE_LIMIT:
                cache[key] = options  # type: ignore[index]
        session.info["row_scope_options"] = options
        # what bind() set, to tell it from a narrowing inside a mutation (acting; tenon.core.counters)
        session.info["row_scope_bound"] = session.info["row_scope_options"]

    @contextlib.contextmanager
    def acting(self, session: Session, actor: Actor, obj: str, act: str) -> Iterator[None]:
        """Narrow ``session`` further to the rows ``actor`` may ``act`` on (inside a mutation).

        The read scope always applies; a scoped line for another action (``update`` … ``region``)
        adds its own criterion for the models scoped under ``obj``, so a role that reads every
        row but may update only its region's rows cannot update the others (``NOT_FOUND``).
        """
        if act == "read" or actor.system:
            yield
            return
        extra = tuple(with_loader_criteria(model, crit, include_aliases=True)
                      for model, crit in self.criteria_for(actor, act, obj).items())
        saved = session.info.get("row_scope_options", ())
        session.info["row_scope_options"] = saved + extra
        try:
            yield
        finally:
            session.info["row_scope_options"] = saved


@contextlib.contextmanager
def scopes_lifted(session: Session) -> Iterator[None]:
    """Lift the actor's row scopes for a block: for a reaction a plugin owes its partner on
    the system's behalf (an operator's last report moves the sales order on, although the
    operator cannot read sales orders). Checks of *who may ask* stay with the caller; use it
    for the consequences of an allowed action only, never to answer a read."""
    saved = session.info.get("row_scope_options", ())
    session.info["row_scope_options"] = ()
    try:
        yield
    finally:
        session.info["row_scope_options"] = saved


@event.listens_for(Session, "do_orm_execute")
def _apply_row_scopes(state: ORMExecuteState) -> None:
    options = state.session.info.get("row_scope_options")
    if not options or state.execution_options.get(UNSCOPED):
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    state.statement = state.statement.options(*options)


def unscoped() -> dict[str, bool]:
    """Execution options for a deliberate read across scopes (kernel bookkeeping only)::

        session.execute(stmt, execution_options=unscoped())
    """
    return {UNSCOPED: True}


# ------------------------------------------------------------------------ policy rows


def read_policy_file(path: Path) -> list[tuple[str, ...]]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        raw = raw.strip()
        if not raw or raw.startswith("#"):
            continue
        lines.append(tuple(part.strip() for part in raw.split(",")))
    return lines


def normalize_policies(result: Any) -> list[tuple[str, ...]]:
    if result is None:
        return []
    if isinstance(result, (str, Path)):
        return read_policy_file(Path(result))
    return [tuple(str(v) for v in line) for line in result]


def _rule(line: Sequence[str]) -> CasbinRule:
    ptype, *values = line
    cols = {f"v{i}": v for i, v in enumerate(values)}
    return CasbinRule(ptype=ptype, **cols)


def _match(line: Sequence[str]) -> list[ColumnElement[bool]]:
    ptype, *values = line
    conds = [CasbinRule.ptype == ptype]
    for i, v in enumerate(values):
        conds.append(getattr(CasbinRule, f"v{i}") == v)
    return conds


def add_policy_lines(session: Session, lines: Iterable[Sequence[str]]) -> int:
    """Insert lines that are not present yet; bump the policy version. Returns the count added."""
    added = 0
    for line in lines:
        exists = session.execute(select(CasbinRule.id).where(*_match(line)).limit(1)).first()
        if exists is None:
            session.add(_rule(line))
            added += 1
    if added:
        bump_version(session)
    return added


def remove_policy_lines(session: Session, lines: Iterable[Sequence[str]]) -> int:
    removed = 0
    for line in lines:
        for rule in session.scalars(select(CasbinRule).where(*_match(line))).all():
            session.delete(rule)
            removed += 1
    if removed:
        session.flush()
        bump_version(session)
    return removed


def defined_roles(session: Session) -> set[str]:
    """Roles some policy line defines: ``p, role, ...`` or either side of a role hierarchy line
    ``g, child, parent``; a user's assignment (``g, user:name, role``) defines nothing. ``admin``
    is always included."""
    roles = {"admin"}
    for ptype, v0, v1 in session.execute(select(CasbinRule.ptype, CasbinRule.v0, CasbinRule.v1)):
        if ptype == "p" and v0:
            roles.add(v0)
        elif ptype == "g" and v0 and not v0.startswith("user:"):
            roles.update(r for r in (v0, v1) if r)
    return roles


def check_roles(session: Session, roles: Iterable[str]) -> None:
    """Refuse (``VALIDATION``, field ``roles``) a role that no policy line defines, listing the known ones."""
    known = defined_roles(session)
    unknown = sorted({r.strip() for r in roles if r.strip()} - known)
    if unknown:
        raise ValidationError(
            f"unknown role(s) {', '.join(unknown)}; known roles: {', '.join(sorted(known))}", field="roles")


def bump_version(session: Session, key: str = POLICY_VERSION_KEY) -> int:
    """Increase a version counter in ``core_setting``: policies (default) or the plugin set; see ``site_versions``."""
    if key == PLUGINS_VERSION_KEY:
        session.info.pop(SITE_VERSION_KEY, None)  # read at sign-in, no longer current
    setting = session.get(Setting, key, with_for_update=True)
    if setting is None:
        setting = Setting(key=key, value=1)
        session.add(setting)
    else:
        setting.value = int(setting.value) + 1
    session.flush()
    return int(setting.value)


def policy_version(session: Session) -> int:
    return site_versions(session)[0]


PLUGINS_VERSION_KEY = "plugins_version"


def site_versions(session: Session) -> tuple[int, int]:
    """``(policy version, plugin-set version)`` in one query: each request compares them with
    what its worker has loaded, so every worker follows grants and installs without a restart."""
    rows = dict(session.execute(select(Setting.key, Setting.value).where(
        Setting.key.in_([POLICY_VERSION_KEY, PLUGINS_VERSION_KEY]))).all())
    return int(rows.get(POLICY_VERSION_KEY) or 0), int(rows.get(PLUGINS_VERSION_KEY) or 0)
