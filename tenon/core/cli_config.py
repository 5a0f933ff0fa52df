"""``tenon config`` (export, import, diff, rollback, versions) and ``tenon health check``.

Built-in commands (not ``tenon_cli_commands``), so ``tenon health check`` still runs on a site
whose plugin set cannot load (an installed plugin's package is missing: that is a finding).
Commands act as the system; a change that needs approval is submitted by ``config import
--publish`` and decided in GraphQL by a ``config_approver``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from tenon.core.cli import _State, cli, pass_state
from tenon.core.errors import ConfigError, PluginError


@cli.group("config")
def config_group() -> None:
    """Versioned site configuration: export, import, diff, roll back."""


@config_group.command("export")
@click.option("--version", "ref", default="live", show_default=True,
              help="A version number, live, draft or published.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@pass_state
def config_export(state: _State, ref: str, output: Path | None) -> None:
    """Print (or write) a configuration as a JSON document to import on another site."""
    from tenon.core.config import export_document

    app = state.app()
    with app.transaction() as s:
        doc = export_document(s, app, ref)
    if output is None:
        click.echo(doc, nl=False)
    else:
        output.write_text(doc, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


@config_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--publish", "publish_it", is_flag=True,
              help="Publish at once when no approval is needed, else submit it for approval.")
@click.option("-m", "--message", default="", help="What the change is for.")
@pass_state
def config_import(state: _State, file: Path, publish_it: bool, message: str) -> None:
    """Make a configuration document (from `tenon config export`) the open change."""
    from tenon.core.config import change_diff, import_document

    if not file.is_file():
        raise ConfigError(f"no file {file}")
    app = state.app()
    with app.transaction(operation="cli:config import") as s:
        change, version = import_document(s, app, file.read_text(encoding="utf-8"), publish_it=publish_it,
                                          message=message)
        changes = change_diff(s, app, change) if version is None else []
        state_now = change.state
    if version is not None:
        click.echo(f"published version {version.number}")
    elif not changes:
        click.echo("nothing to change: the site already has this configuration")
    else:
        for c in changes:
            click.echo(_line(c))
        click.echo(f"change #{change.id} is {state_now}" +
                   (": a config_approver must approve it before it is published" if state_now == "submitted" else ""))


def _line(c: Any) -> str:
    sign = {"added": "+", "removed": "-", "changed": "~"}[c.change]
    text = f"{sign} {c.kind} {c.key}: {c.label}"
    for f in c.fields:
        text += f"\n    {f.name}: {json.dumps(f.old)} -> {json.dumps(f.new)}"
    return text + ("  [needs approval]" if c.needs_approval else "")


@config_group.command("diff")
@click.argument("a")
@click.argument("b")
@click.option("--json", "as_json", is_flag=True, help="Print the diff as JSON.")
@pass_state
def config_diff(state: _State, a: str, b: str, as_json: bool) -> None:
    """Show what changed from A to B (each a version number, live, draft or published)."""
    from dataclasses import asdict

    from tenon.core.config import diff, resolve

    app = state.app()
    with app.transaction() as s:
        changes = diff(app, resolve(s, app, a), resolve(s, app, b))
    if as_json:
        click.echo(json.dumps([asdict(c) for c in changes], indent=2, sort_keys=True))
        return
    for c in changes:
        click.echo(_line(c))
    click.echo(f"{len(changes)} item(s) differ from {a} to {b}")


@config_group.command("rollback")
@click.argument("number", type=int)
@click.option("-m", "--message", default="", help="The new version's message.")
@pass_state
def config_rollback(state: _State, number: int, message: str) -> None:
    """Publish a new version equal to version NUMBER (history is kept)."""
    from tenon.core.config import rollback

    app = state.app()
    with app.transaction(operation="cli:config rollback") as s:
        version = rollback(s, app, number, message)
        new = version.number
    click.echo(f"published version {new}: a copy of version {number}")


@config_group.command("discard")
@pass_state
def config_discard(state: _State) -> None:
    """Discard the open configuration change."""
    from tenon.core.config import discard

    app = state.app()
    with app.transaction(operation="cli:config discard") as s:
        number = discard(s, app).id
    click.echo(f"discarded change #{number}")


@config_group.command("versions")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@pass_state
def config_versions(state: _State, limit: int) -> None:
    """List configuration versions, newest first."""
    from tenon.core.config import versions

    app = state.app()
    with app.transaction() as s:
        for v in versions(s, limit):
            approved = f", approved by {v.approved_by}" if v.approved_by else ""
            click.echo(f"{v.number:>4}  {v.created_at:%Y-%m-%d %H:%M}  {v.source:<9} {v.author or '-'}{approved}: "
                       f"{v.message}")


@cli.group("health")
def health_group() -> None:
    """The health check of the site's configuration."""


def _open_for_check(state: _State) -> Any:
    """The site's app; when an installed plugin's package is missing, the app of what is available
    (the missing package is then a finding instead of a refusal to start)."""
    from tenon.core.kernel import Tenon
    from tenon.core.site import Site

    try:
        return state.app()
    except PluginError:
        site = Site.load(state.site_path)
        bare = Tenon(site, plugins=[])
        installed = bare.installed_versions()
        available = [n for n in installed if n in bare.candidates]
        bare.dispose()
        return Tenon(site, plugins=available)


@health_group.command("check")
@click.option("--store", is_flag=True, help="Store the report (for a cron: compare reports over time).")
@click.option("--days", type=click.IntRange(1, 3650), default=None,
              help="N days for the 'unused' findings (default: site setting health.unused_days).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_state
def health_check(state: _State, store: bool, days: int | None, as_json: bool) -> None:
    """Find redundant, broken and risky configuration; exit 1 when a finding is an error."""
    from dataclasses import asdict

    from tenon.core import healthcheck

    app = _open_for_check(state)
    with app.transaction(operation="cli:health check") as s:
        report = healthcheck.run(s, app, days=days)
        if store:
            healthcheck.store(s, report, "system")
    if as_json:
        click.echo(json.dumps({"score": report.score, "errors": report.errors, "warnings": report.warnings,
                               "id": report.id, "new": report.new, "resolved": report.resolved,
                               "findings": [asdict(f) for f in report.findings]}, indent=2, sort_keys=True))
    else:
        for f in report.findings:
            click.echo(f"{f.severity.upper():<7} {f.section:<11} {f.code}  {f.subject}: {f.message}\n"
                       f"        -> {f.suggestion}")
        stored = f"; stored as report {report.id}" if report.id is not None else ""
        compared = (f" ({len(report.new)} new, {len(report.resolved)} resolved since the previous report)"
                    if store and report.id is not None else "")
        click.echo(f"score {report.score}/100: {report.errors} error(s), {report.warnings} warning(s), "
                   f"{len(report.findings)} finding(s){stored}{compared}")
    if report.errors:
        sys.exit(1)
