"""Versioned configuration (:mod:`tenon.core.config`) and the health check
(:mod:`tenon.core.healthcheck`) over GraphQL.

Access: ``core.config`` ``read`` (every query), ``update`` (edit, submit, discard, import),
``publish``, ``approve`` (approve and reject) and ``rollback``; ``core.health`` ``read`` and
``create`` (store a report). The kernel's roles ``config_manager`` and ``config_approver``
hold them (``tenon/core/policies.csv``).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import select
from strawberry.scalars import JSON
from strawberry.types import Info

from tenon.core import config as cfg
from tenon.core import healthcheck
from tenon.core.contributions import SchemaContribution
from tenon.core.models import ConfigChange, ConfigVersion
from tenon.graphql.permissions import allowed
from tenon.graphql.relay import Connection, paginate


@strawberry.enum(description="How an item differs between two configurations.")
class ConfigChangeKind(enum.Enum):
    ADDED = strawberry.enum_value("added", description="Only the newer configuration has the item.")
    REMOVED = strawberry.enum_value("removed", description="Only the older configuration has the item.")
    CHANGED = strawberry.enum_value("changed", description="Both have it, with other values.")


@strawberry.type(description="One field of an item that changed.")
class ConfigFieldChange:
    name: str = strawberry.field(description="The item's field.")
    old: JSON | None = strawberry.field(description="Its value before.")
    new: JSON | None = strawberry.field(description="Its value after.")


@strawberry.type(description="One configuration item that differs.")
class ConfigItemChange:
    kind: str = strawberry.field(description="Configuration kind, e.g. `core.policy`.")
    kind_label: str = strawberry.field(description="The kind as people call it.")
    key: str = strawberry.field(description="The item's key within its kind.")
    label: str = strawberry.field(description="A readable label of the item.")
    change: ConfigChangeKind = strawberry.field(description="Added, removed or changed.")
    old: JSON | None = strawberry.field(description="The item before (null when added).")
    new: JSON | None = strawberry.field(description="The item after (null when removed).")
    fields: list[ConfigFieldChange] = strawberry.field(description="The fields that changed (for `CHANGED`).")
    needs_approval: bool = strawberry.field(description="Whether this change needs approval before publication.")


@strawberry.type(description="A structured diff between two configurations.")
class ConfigDiff:
    from_: str = strawberry.field(name="from", description="The older side: a version number, `live` or `draft`.")
    to: str = strawberry.field(description="The newer side.")
    changes: list[ConfigItemChange] = strawberry.field(description="Every item that differs, by kind and key.")
    added: int = strawberry.field(description="How many items were added.")
    removed: int = strawberry.field(description="How many items were removed.")
    changed: int = strawberry.field(description="How many items were changed.")


@strawberry.type(name="ConfigChange", description="The open configuration change (the draft) or a closed one.")
class ConfigChangeType:
    id: strawberry.ID = strawberry.field(description="Change id.")
    state: str = strawberry.field(description="`draft`, `submitted`, `approved`, `rejected`, `published` or `discarded`.")
    message: str = strawberry.field(description="What the change is for.")
    editors: list[str] = strawberry.field(description="Everyone who edited it (none of them may approve it).")
    created_by: str | None = strawberry.field(description="Who opened it.")
    created_at: dt.datetime = strawberry.field(description="When it was opened.")
    submitted_by: str | None = strawberry.field(description="Who submitted it for approval.")
    submitted_at: dt.datetime | None = strawberry.field(description="When it was submitted.")
    decided_by: str | None = strawberry.field(description="The approver who approved or rejected it.")
    decided_at: dt.datetime | None = strawberry.field(description="When it was approved or rejected.")
    decision_comment: str = strawberry.field(description="The approver's comment.")
    published_version: int | None = strawberry.field(description="The version its publication created.")
    needs_approval: bool = strawberry.field(description="Whether publishing it needs approval.")
    allowed_actions: list[str] = strawberry.field(description="What its state allows: submit, approve, reject, ...")
    diff: list[ConfigItemChange] = strawberry.field(description="What publishing it would change in the live configuration.")


@strawberry.type(name="ConfigVersion", description="An immutable, numbered version of the site's configuration.")
class ConfigVersionType:
    number: int = strawberry.field(description="Version number (1, 2, ...).")
    message: str = strawberry.field(description="What changed, in the author's words.")
    author: str | None = strawberry.field(description="Who published it.")
    approved_by: str | None = strawberry.field(description="Who approved the change (null when none was needed).")
    source: str = strawberry.field(
        description="`publish`, `rollback`, `import`, `baseline` (the state before the first version) or "
                    "`captured` (changes made outside versions).")
    based_on: int | None = strawberry.field(description="For a rollback: the version it copies.")
    created_at: dt.datetime = strawberry.field(description="When it was published.")
    kinds: list[str] = strawberry.field(description="The configuration kinds it holds.")
    _content: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="Its items `{kind: {key: item}}`, or one kind's `{key: item}`.")
    def content(self, kind: Annotated[str | None, strawberry.argument(description="Only this kind.")] = None) -> JSON:
        return self._content.get(kind, {}) if kind else self._content


@strawberry.type(description="A kind of configuration a plugin contributes.")
class ConfigKindType:
    name: str = strawberry.field(description="`<plugin>.<thing>`, e.g. `core.sequence`.")
    label: str = strawberry.field(description="How people call it.")
    items: JSON = strawberry.field(description="Its live items `{key: item}`.")


@strawberry.type(description="What an import did.")
class ConfigImportResult:
    change: ConfigChangeType = strawberry.field(description="The change the document became (published, submitted or a draft).")
    version: ConfigVersionType | None = strawberry.field(description="The version published, when it was.")


def _item_change(c: cfg.ItemChange) -> ConfigItemChange:
    return ConfigItemChange(kind=c.kind, kind_label=c.kind_label, key=c.key, label=c.label,
                            change=ConfigChangeKind(c.change), old=c.old, new=c.new,
                            fields=[ConfigFieldChange(name=f.name, old=f.old, new=f.new) for f in c.fields],
                            needs_approval=c.needs_approval)


def _change(session: Any, app: Any, c: ConfigChange) -> ConfigChangeType:
    open_ = c.state in cfg.OPEN_STATES
    changes = cfg.change_diff(session, app, c) if open_ else []
    return ConfigChangeType(
        id=strawberry.ID(str(c.id)), state=c.state, message=c.message, editors=list(c.editors or []),
        created_by=c.created_by, created_at=c.created_at, submitted_by=c.submitted_by, submitted_at=c.submitted_at,
        decided_by=c.decided_by, decided_at=c.decided_at, decision_comment=c.decision_comment or "",
        published_version=c.published_version, needs_approval=any(x.needs_approval for x in changes),
        allowed_actions=cfg.CHANGE_WORKFLOW.allowed(c), diff=[_item_change(x) for x in changes])


def _version(v: ConfigVersion) -> ConfigVersionType:
    return ConfigVersionType(number=v.number, message=v.message, author=v.author, approved_by=v.approved_by,
                             source=v.source, based_on=v.based_on, created_at=v.created_at,
                             kinds=sorted(v.content), _content=v.content)


def _arg(description: str) -> Any:
    return strawberry.argument(description=description)


@strawberry.type
class ConfigQuery:
    @strawberry.field(description="The configuration kinds of the installed plugins, with their live items.",
                      extensions=allowed("core.config", "read"))
    async def config_kinds(self, info: Info) -> list[ConfigKindType]:
        app = info.context.tenon

        def load(session: Any) -> list[ConfigKindType]:
            now = cfg.live(session, app)
            return [ConfigKindType(name=n, label=k.label, items=now.get(n, {})) for n, k in cfg.kinds(app).items()]

        return await info.context.run(load)

    @strawberry.field(description="The open configuration change (the draft), or null when none is open.",
                      extensions=allowed("core.config", "read"))
    async def config_draft(self, info: Info) -> ConfigChangeType | None:
        app = info.context.tenon

        def load(session: Any) -> ConfigChangeType | None:
            c = cfg.open_change(session)
            return _change(session, app, c) if c is not None else None

        return await info.context.run(load)

    @strawberry.field(description="Published configuration versions, newest first.",
                      extensions=allowed("core.config", "read"))
    async def config_versions(
        self, info: Info,
        first: Annotated[int | None, _arg("Page size.")] = None,
        after: Annotated[str | None, _arg("Cursor to continue after.")] = None,
    ) -> Connection[ConfigVersionType]:
        stmt = select(ConfigVersion).order_by(ConfigVersion.number.desc())
        return await paginate(info.context, stmt, first=first, after=after, convert=_version)

    @strawberry.field(description="One configuration version.", extensions=allowed("core.config", "read"))
    async def config_version(self, info: Info, number: Annotated[int, _arg("Version number.")]) -> ConfigVersionType:
        return await info.context.run(lambda s: _version(cfg.get_version(s, number)))

    @strawberry.field(description="A readable, structured diff between two configurations: each side a version "
                                  "number, `live` (what runs now), `draft` (live with the open change) or "
                                  "`published` (the newest version).",
                      extensions=allowed("core.config", "read"))
    async def config_diff(
        self, info: Info,
        from_: Annotated[str, strawberry.argument(name="from", description="The older side.")],
        to: Annotated[str, _arg("The newer side.")],
    ) -> ConfigDiff:
        app = info.context.tenon

        def load(session: Any) -> ConfigDiff:
            changes = cfg.diff(app, cfg.resolve(session, app, from_), cfg.resolve(session, app, to),
                               rules=cfg._approval_rules_of(cfg.live(session, app)))
            return ConfigDiff(from_=from_, to=to, changes=[_item_change(c) for c in changes],
                              added=sum(c.change == "added" for c in changes),
                              removed=sum(c.change == "removed" for c in changes),
                              changed=sum(c.change == "changed" for c in changes))

        return await info.context.run(load)

    @strawberry.field(description="A configuration as a JSON document to import on another site "
                                  '(`{"format": "tenon-config", "format_version": 1, "kinds": {...}}`).',
                      extensions=allowed("core.config", "read"))
    async def config_export(
        self, info: Info,
        version: Annotated[str, _arg("A version number, `live`, `draft` or `published`.")] = "live",
    ) -> str:
        app = info.context.tenon
        return await info.context.run(lambda s: cfg.export_document(s, app, version))

    @strawberry.field(description="Run the health check of the site's configuration now (not stored).",
                      extensions=allowed("core.health", "read"))
    async def health_report(
        self, info: Info,
        days: Annotated[int | None, _arg("N days for the 'unused' findings (default: setting health.unused_days; 1-3650).")] = None,
    ) -> HealthReportType:
        from tenon.core.errors import ValidationError

        if days is not None and not 1 <= days <= 3650:
            raise ValidationError("days: from 1 to 3650", field="days")
        app = info.context.tenon
        return await info.context.run(lambda s: _report(healthcheck.run(s, app, days=days)))

    @strawberry.field(description="Stored health reports, newest first, each compared with the one before.",
                      extensions=allowed("core.health", "read"))
    async def health_reports(self, info: Info,
                             limit: Annotated[int, _arg("How many (1-100).")] = 20) -> list[HealthReportType]:
        from tenon.core.errors import ValidationError

        if not 1 <= limit <= 100:
            raise ValidationError("limit: from 1 to 100", field="limit")
        return await info.context.run(lambda s: [_report(r) for r in healthcheck.stored(s, limit)])


@strawberry.enum(description="How serious a health finding is.")
class HealthSeverity(enum.Enum):
    ERROR = strawberry.enum_value("error", description="Something is broken.")
    WARNING = strawberry.enum_value("warning", description="A risk or waste.")
    INFO = strawberry.enum_value("info", description="Worth knowing.")


@strawberry.type(description="One problem the health check found.")
class HealthFinding:
    section: str = strawberry.field(description="`fields`, `flows`, `permissions`, `plugins`, or a plugin's own.")
    code: str = strawberry.field(description="Stable code `<plugin>.<what>`, e.g. `core.user_without_role`.")
    severity: HealthSeverity = strawberry.field(description="Error, warning or info.")
    subject: str = strawberry.field(description="What it is about, e.g. `user alice`.")
    message: str = strawberry.field(description="What is wrong.")
    suggestion: str = strawberry.field(description="What to do about it.")


@strawberry.type(name="HealthReport", description="A health check of the site's configuration.")
class HealthReportType:
    id: strawberry.ID | None = strawberry.field(description="Stored report id (null for a report not stored).")
    created_at: dt.datetime = strawberry.field(description="When the check ran.")
    score: int = strawberry.field(description="100 minus 15 per error, 5 per warning and 1 per info (at least 0).")
    errors: int = strawberry.field(description="How many findings are errors.")
    warnings: int = strawberry.field(description="How many findings are warnings.")
    findings: list[HealthFinding] = strawberry.field(description="Every finding, errors first.")
    new_findings: list[str] = strawberry.field(
        description="For a stored report: `code|subject` of findings the previous stored report did not have.")
    resolved_findings: list[str] = strawberry.field(
        description="For a stored report: `code|subject` of the previous stored report's findings that are gone.")


def _report(r: healthcheck.Report) -> HealthReportType:
    return HealthReportType(
        id=strawberry.ID(str(r.id)) if r.id is not None else None, created_at=r.created_at, score=r.score,
        errors=r.errors, warnings=r.warnings,
        findings=[HealthFinding(section=f.section, code=f.code, severity=HealthSeverity(f.severity),
                                subject=f.subject, message=f.message, suggestion=f.suggestion) for f in r.findings],
        new_findings=r.new[:healthcheck.MAX_STORED_LIST], resolved_findings=r.resolved[:healthcheck.MAX_STORED_LIST])


@strawberry.type
class ConfigMutation:
    @strawberry.mutation(description="Set one item in the draft (opening a draft if none is open; editing a "
                                     "rejected change reopens it).", extensions=allowed("core.config", "update"))
    async def config_draft_set(
        self, info: Info,
        kind: Annotated[str, _arg("Configuration kind, e.g. `core.sequence`.")],
        key: Annotated[str, _arg(f"The item's key (1-{cfg.MAX_KEY} characters).")],
        item: Annotated[JSON, _arg(f"The item (an object, at most {cfg.MAX_ITEM_BYTES} bytes of JSON).")],
    ) -> ConfigChangeType:
        app = info.context.tenon
        return await info.context.run(lambda s: _change(s, app, cfg.edit(s, app, kind, key, item)))

    @strawberry.mutation(description="Remove one item in the draft.", extensions=allowed("core.config", "update"))
    async def config_draft_remove(
        self, info: Info,
        kind: Annotated[str, _arg("Configuration kind.")],
        key: Annotated[str, _arg("The item's key.")],
    ) -> ConfigChangeType:
        app = info.context.tenon
        return await info.context.run(lambda s: _change(s, app, cfg.edit(s, app, kind, key, None)))

    @strawberry.mutation(description="Drop one item's pending change from the draft.",
                         extensions=allowed("core.config", "update"))
    async def config_draft_revert(
        self, info: Info,
        kind: Annotated[str, _arg("Configuration kind.")],
        key: Annotated[str, _arg("The item's key.")],
    ) -> ConfigChangeType:
        app = info.context.tenon
        return await info.context.run(lambda s: _change(s, app, cfg.revert(s, app, kind, key)))

    @strawberry.mutation(description="Discard the open change.", extensions=allowed("core.config", "update"))
    async def config_discard(self, info: Info) -> ConfigChangeType:
        app = info.context.tenon
        return await info.context.run(lambda s: _change(s, app, cfg.discard(s, app)))

    @strawberry.mutation(description="Submit the draft for approval.", extensions=allowed("core.config", "update"))
    async def config_submit(
        self, info: Info, message: Annotated[str, _arg(f"What the change is for (at most {cfg.MAX_MESSAGE} characters).")] = "",
    ) -> ConfigChangeType:
        app = info.context.tenon
        return await info.context.run(lambda s: _change(s, app, cfg.submit(s, app, message)))

    @strawberry.mutation(description="Approve the submitted change (not allowed to anyone who edited or submitted it).",
                         extensions=allowed("core.config", "approve"))
    async def config_approve(
        self, info: Info, comment: Annotated[str, _arg(f"A comment (at most {cfg.MAX_COMMENT} characters).")] = "",
    ) -> ConfigChangeType:
        app = info.context.tenon
        return await info.context.run(lambda s: _change(s, app, cfg.decide(s, app, "approve", comment)))

    @strawberry.mutation(description="Reject the submitted change, saying why; its authors fix it and submit again.",
                         extensions=allowed("core.config", "approve"))
    async def config_reject(
        self, info: Info, comment: Annotated[str, _arg(f"Why (required, at most {cfg.MAX_COMMENT} characters).")],
    ) -> ConfigChangeType:
        app = info.context.tenon
        return await info.context.run(lambda s: _change(s, app, cfg.decide(s, app, "reject", comment)))

    @strawberry.mutation(description="Publish the open change as a new version (approved first when it needs "
                                     "approval). Every worker follows within `[api] plugin_check_seconds`.",
                         extensions=allowed("core.config", "publish"))
    async def config_publish(
        self, info: Info, message: Annotated[str, _arg("The version's message (default: the change's).")] = "",
    ) -> ConfigVersionType:
        app = info.context.tenon
        return await info.context.run(lambda s: _version(cfg.publish_change(s, app, message)))

    @strawberry.mutation(description="Publish a new version equal to an old one (history is never rewritten).",
                         extensions=allowed("core.config", "rollback"))
    async def config_rollback(
        self, info: Info,
        to_version: Annotated[int, _arg("The version to go back to.")],
        message: Annotated[str, _arg("The new version's message.")] = "",
    ) -> ConfigVersionType:
        app = info.context.tenon
        return await info.context.run(lambda s: _version(cfg.rollback(s, app, to_version, message)))

    @strawberry.mutation(description="Import a configuration document (from `configExport` on another site): it "
                                     "becomes the open change, replacing every kind it names; with `publish`, it is "
                                     "published at once when it needs no approval, else submitted.",
                         extensions=allowed("core.config", "update"))
    async def config_import(
        self, info: Info,
        document: Annotated[str, _arg(f"The JSON document (at most {cfg.MAX_DOCUMENT_BYTES} bytes).")],
        publish: Annotated[bool, _arg("Publish (or submit) it right away.")] = False,
        message: Annotated[str, _arg("What the change is for.")] = "",
    ) -> ConfigImportResult:
        app = info.context.tenon

        def run(session: Any) -> ConfigImportResult:
            if publish and not info.context.tenon.access.can(info.context.actor, "core.config", "publish"):
                from tenon.core.errors import Forbidden

                raise Forbidden("not allowed: publish on core.config")
            change, version = cfg.import_document(session, app, document, publish_it=publish, message=message)
            return ConfigImportResult(change=_change(session, app, change),
                                      version=_version(version) if version is not None else None)

        return await info.context.run(run)

    @strawberry.mutation(description="Run the health check and store its report (to compare over time).",
                         extensions=allowed("core.health", "create"))
    async def health_report_store(self, info: Info) -> HealthReportType:
        app = info.context.tenon
        actor = info.context.actor

        def run(session: Any) -> HealthReportType:
            report = healthcheck.run(session, app)
            healthcheck.store(session, report, actor.username if actor else None)
            return _report(report)

        return await info.context.run(run)


CONTRIBUTION = SchemaContribution(query=ConfigQuery, mutation=ConfigMutation)
