"""The health check of a site's configuration: findings with a severity and a suggestion each,
a summary score, stored reports compared over time.

Every plugin contributes findings through ``tenon_health_findings`` (the kernel's own are
:func:`kernel_findings`: the *permissions* and *plugins* sections; custom fields and flow rules
come from the plugins that own them). It is separate from ``tenon_health``, which answers
``GET /health`` cheaply on every request: the health check queries as much as it needs, on
demand (``healthReport``) or from a cron (``tenon health check --store``, exit status 1 when a
finding is an error).

Score: 100, minus 15 per error, 5 per warning and 1 per info finding, never below 0.
A stored report lists, against the previous stored one, the findings that are new and those
that were resolved (compared by ``code`` and ``subject``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.models import CasbinRule, HealthReport, InstalledPlugin, Token, User

if TYPE_CHECKING:
    from tenon.core.kernel import Tenon

SEVERITIES = ("error", "warning", "info")
PENALTY = {"error": 15, "warning": 5, "info": 1}
MAX_STORED_LIST = 100


@dataclass(frozen=True)
class Finding:
    """One problem the health check found.

    :param section: ``fields``, ``flows``, ``permissions``, ``plugins`` (or a plugin's own).
    :param code: ``<plugin>.<what>`` (``core.user_without_role``): stable, for comparisons.
    :param severity: ``error``, ``warning`` or ``info``.
    :param subject: what it is about, stable between runs (``user alice``).
    :param message: what is wrong.
    :param suggestion: what to do about it.
    """

    section: str
    code: str
    severity: str
    subject: str
    message: str
    suggestion: str

    @property
    def key(self) -> str:
        return f"{self.code}|{self.subject}"


@dataclass(frozen=True)
class HealthCheck:
    """What a health check runs with: handed to every ``tenon_health_findings``.

    :param now: the check's clock (tests pass one).
    :param days: N days of the "unused" findings (site setting ``health.unused_days``).
    :param max_admins: site setting ``health.max_admins``.
    """

    app: Any
    session: Session
    now: dt.datetime
    days: int
    max_admins: int

    def setting(self, name: str) -> Any:
        """A declared site setting (:data:`tenon.core.config.SETTINGS`)."""
        from tenon.core.config import site_setting

        return site_setting(self.session, name)

    @property
    def since(self) -> dt.datetime:
        """``now`` minus ``days``."""
        return self.now - dt.timedelta(days=self.days)


@dataclass
class Report:
    findings: list[Finding]
    created_at: dt.datetime
    new: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    id: int | None = None

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def score(self) -> int:
        return max(0, 100 - sum(PENALTY[f.severity] for f in self.findings))

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")


def run(session: Session, app: Tenon, *, now: dt.datetime | None = None, days: int | None = None) -> Report:
    """Collect every plugin's findings (errors first, then by section and code)."""
    from tenon.core.config import site_setting

    check = HealthCheck(app=app, session=session, now=now or utcnow(),
                        days=days or int(site_setting(session, "health.unused_days")),
                        max_admins=int(site_setting(session, "health.max_admins")))
    findings = app.hooks.health_findings(session, check)
    findings.sort(key=lambda f: (SEVERITIES.index(f.severity), f.section, f.code, f.subject))
    return Report(findings=findings, created_at=check.now)


def store(session: Session, report: Report, author: str | None) -> HealthReport:
    """Store ``report``; fill in what is new and resolved since the previous stored report."""
    previous = session.scalars(select(HealthReport).order_by(HealthReport.id.desc()).limit(1)).first()
    keys = {f.key for f in report.findings}
    if previous is not None:
        before = {f"{f['code']}|{f['subject']}" for f in previous.findings}
        report.new, report.resolved = sorted(keys - before), sorted(before - keys)
    row = HealthReport(created_at=report.created_at, created_by=author, score=report.score, errors=report.errors,
                       warnings=report.warnings, findings=[asdict(f) for f in report.findings])
    session.add(row)
    session.flush()
    report.id = row.id
    return row


def from_row(row: HealthReport, previous: HealthReport | None) -> Report:
    report = Report(findings=[Finding(**f) for f in row.findings], created_at=row.created_at, id=row.id)
    if previous is not None:
        keys = {f.key for f in report.findings}
        before = {f"{f['code']}|{f['subject']}" for f in previous.findings}
        report.new, report.resolved = sorted(keys - before), sorted(before - keys)
    return report


def stored(session: Session, limit: int = 20) -> list[Report]:
    """The newest stored reports, newest first, each compared with the one before it."""
    rows = list(session.scalars(select(HealthReport).order_by(HealthReport.id.desc()).limit(limit + 1)))
    return [from_row(r, rows[i + 1] if i + 1 < len(rows) else None) for i, r in enumerate(rows[:limit])]


# ------------------------------------------------------------------------ the kernel's findings


def _f(section: str, code: str, severity: str, subject: str, message: str, suggestion: str) -> Finding:
    return Finding(section=section, code=f"core.{code}", severity=severity, subject=subject, message=message,
                   suggestion=suggestion)


def kernel_findings(app: Tenon, session: Session, check: HealthCheck) -> list[Finding]:
    """Permissions (users without a role, write without read, lines for plugins not installed, scoped
    roles without the scope attribute, too many admins, unused or never-expiring API tokens) and
    plugins (packages missing, versions not migrated, migration drift)."""
    return [*_permission_findings(app, session, check), *_plugin_findings(app, session)]


def _permission_findings(app: Tenon, session: Session, check: HealthCheck) -> list[Finding]:
    from tenon.core.auth import BASE_ROLE

    out: list[Finding] = []
    rules = [(r.ptype, *r.values()) for r in session.scalars(select(CasbinRule))]
    perms: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    parents: dict[str, set[str]] = defaultdict(set)
    members: dict[str, set[str]] = defaultdict(set)
    for line in rules:
        if line[0] == "p" and len(line) >= 4:
            perms[line[1]].append((line[2], line[3], line[4] if len(line) > 4 else "*"))
        elif line[0] == "g" and len(line) == 3:
            if line[1].startswith("user:"):
                members[line[1][5:]].add(line[2])
            else:
                parents[line[1]].add(line[2])

    def closure(roles: set[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(roles)
        while todo:
            r = todo.pop()
            if r not in seen:
                seen.add(r)
                todo.extend(parents.get(r, ()))
        return seen

    users = list(session.scalars(select(User).where(User.active.is_(True)).order_by(User.username)))
    for user in users:
        if not members.get(user.username, set()) - {BASE_ROLE}:
            out.append(_f("permissions", "user_without_role", "warning", f"user {user.username}",
                          f"user {user.username} is active but holds no role: they can do almost nothing",
                          "grant the role they need, or deactivate the user"))

    roles = sorted(set(perms) | set(parents))
    for role in roles:
        lines = [p for r in closure({role}) for p in perms.get(r, ())]
        readable = {o for o, a, _s in lines if a in ("read", "*")}
        for obj in sorted({o for o, a, _s in lines if a != "read" and o != "*"}):
            if obj not in readable and "*" not in readable:
                acts = sorted({a for o, a, _s in lines if o == obj})
                out.append(_f("permissions", "write_without_read", "warning", f"role {role} on {obj}",
                              f"role {role} may {', '.join(acts)} {obj} but not read it",
                              f"add 'p, {role}, {obj}, read, *' (or a scoped read), or remove the write lines"))

    installed = set(session.scalars(select(InstalledPlugin.name)))
    for role, lines in sorted(perms.items()):
        for obj, act, _scope in lines:
            owner = obj.split(".", 1)[0]
            if obj != "*" and "." in obj and owner not in installed:
                out.append(_f("permissions", "policy_for_missing_plugin", "warning",
                              f"policy {role}, {obj}, {act}",
                              f"role {role} is granted {act} on {obj}, but plugin {owner} is not installed",
                              "remove the line (it would silently grant access if the plugin came back)"))

    scopes = {(s.obj, s.name): s for s in app.row_scopes}
    by_name = {s.name: s for s in app.row_scopes}
    for user in users:
        held = closure(members.get(user.username, set()) | {BASE_ROLE})
        reported: set[str] = set()
        for role in sorted(held):
            for obj, act, scope in perms.get(role, ()):
                if scope in ("*", "") or (role, scope) in reported:
                    continue
                rs = scopes.get((obj, scope)) or by_name.get(scope)
                if rs is None:
                    reported.add((role, scope))  # type: ignore[arg-type]
                    out.append(_f("permissions", "unknown_scope", "warning", f"user {user.username} role {role}",
                                  f"role {role} names row scope {scope!r} on {obj}, which no installed plugin "
                                  f"declares: {user.username} sees no {obj} row",
                                  "fix the scope name in the policy line, or use '*'"))
                elif not rs.values_of(user.attributes or {}):
                    reported.add((role, scope))  # type: ignore[arg-type]
                    out.append(_f("permissions", "scope_attribute_missing", "warning",
                                  f"user {user.username} role {role}",
                                  f"{user.username} holds {role}, scoped by {scope!r}, but has no "
                                  f"{rs.attribute!r} attribute: they see no {obj} row",
                                  f"set the user's {rs.attribute!r} attribute, or grant an unscoped role"))

    admins = sorted(u.username for u in users if "admin" in closure(members.get(u.username, set())))
    if len(admins) > check.max_admins:
        out.append(_f("permissions", "too_many_admins", "warning", "role admin",
                      f"{len(admins)} users hold admin ({', '.join(admins)}); the site allows {check.max_admins}",
                      "give people the narrower roles they need; keep admin for a few (setting health.max_admins)"))

    now = check.now
    tokens = session.execute(select(Token, User.username).join(User, User.id == Token.user_id).where(
        Token.kind == "api", Token.revoked_at.is_(None))).all()
    for token, username in tokens:
        if token.expires_at is not None and token.expires_at <= now:
            continue
        subject = f"token {token.id} ({username}{', ' + token.name if token.name else ''})"
        last = token.last_used_at or token.created_at
        if last < check.since:
            when = f"last used {token.last_used_at:%Y-%m-%d}" if token.last_used_at else "never used"
            out.append(_f("permissions", "token_unused", "warning", subject,
                          f"API token {token.id} of {username} is {when} (more than {check.days} days)",
                          "revoke it (revokeToken) if nothing uses it any more"))
        if token.expires_at is None:
            out.append(_f("permissions", "token_without_expiry", "info", subject,
                          f"API token {token.id} of {username} never expires",
                          "issue tokens with an expiry and rotate them"))
    return out


def _plugin_findings(app: Tenon, session: Session) -> list[Finding]:
    from packaging.version import InvalidVersion, Version

    out: list[Finding] = []
    installed = dict(session.execute(select(InstalledPlugin.name, InstalledPlugin.version)).all())
    for name, version in sorted(installed.items()):
        cand = app.candidates.get(name)
        if cand is None:
            out.append(_f("plugins", "plugin_package_missing", "error", f"plugin {name}",
                          f"plugin {name} {version} is installed on this site but its package is missing",
                          f"install the package that provides {name}, or `tenon plugins uninstall {name}`"))
            continue
        try:
            behind = Version(version) < Version(cand.info.version)
        except InvalidVersion:
            behind = version != cand.info.version
        if behind:
            out.append(_f("plugins", "plugin_not_migrated", "warning", f"plugin {name}",
                          f"plugin {name} is recorded at {version} but its code is {cand.info.version}",
                          "run `tenon migrate`"))
    try:
        from tenon.core.migrate import drift

        diffs = drift(app, [p for p in app.plugins if p in installed])
    except Exception as exc:  # the check must answer
        diffs = [("unreadable", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)]
    for d in diffs:
        text = _describe_drift(d)
        out.append(_f("plugins", "migration_drift", "error", f"schema {text}",
                      f"the database differs from the models: {text}",
                      "run `tenon migrate`; if it persists, a migration is missing (`tenon dev revision`)"))
    return out


def _describe_drift(d: Any) -> str:
    if isinstance(d, list):  # alembic groups column modifications in a list
        return "; ".join(_describe_drift(x) for x in d)
    if isinstance(d, tuple) and d:
        names: list[str] = []
        for x in d[1:]:
            name = getattr(x, "name", None)
            table = getattr(getattr(x, "table", None), "name", None)
            if name is not None:
                names.append(f"{table}.{name}" if table and table != name else str(name))
            elif isinstance(x, str):
                names.append(x)
        names = [n for n in names if not any(o.startswith(f"{n}.") for o in names)]  # table + table.column
        return " ".join([str(d[0]), *names])
    return str(d)
