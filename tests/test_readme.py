"""The README's examples run: the "Write a plugin" plugin and the API conventions."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import inspect

from tenon.core import migrate
from tenon.core.installer import install, plan_removal, uninstall
from tenon.core.testing import create_user

README = Path(__file__).resolve().parents[1] / "README.md"


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def files_from_readme() -> dict[str, str]:
    out = {}
    for lang in ("python", "toml"):
        for body in blocks(lang):
            first, _, rest = body.partition("\n")
            m = re.match(r"# file: (\S+)", first)
            if m:
                out[m.group(1)] = rest
    return out


@pytest.fixture
def downtime_dist(tmp_path, monkeypatch):
    """The README's plugin as a separate distribution on sys.path (what `pip install -e` gives)."""
    root = tmp_path / "tenon-downtime"
    files = files_from_readme()
    assert set(files) == {"pyproject.toml", "tenon_downtime/plugin.py",
                          "tenon_downtime/migrations/downtime_0001_initial.py"}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "tenon_downtime/__init__.py").write_text("", encoding="utf-8")
    project = tomllib.loads(files["pyproject.toml"])["project"]
    dist = root / f"tenon_downtime-{project['version']}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n")
    eps = project["entry-points"]["tenon.plugins"]
    (dist / "entry_points.txt").write_text(
        "[tenon.plugins]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items()))
    monkeypatch.syspath_prepend(str(root))
    return root


def test_write_a_plugin_example_installs_runs_and_uninstalls(downtime_dist, make_app, make_client):
    app = make_app(plugins=[])
    assert "downtime" in app.candidates, "the entry point of the README plugin is discovered"

    assert install(app, ["downtime"]) == ["downtime"]
    assert migrate.drift(app, ["downtime"]) == [], "the README migration matches the README model"

    token = create_user(app, "op1", roles=["operator"])
    client = make_client(app, token)
    [mutation] = [b for b in blocks("graphql") if "downtimeRecord" in b]
    data = client.ok(mutation)
    assert data["downtimeRecord"]["minutes"] == 12
    listed = client.ok("{ downtimeEvents { totalCount nodes { machine reason minutes } } }")
    assert listed["downtimeEvents"] == {
        "totalCount": 1, "nodes": [{"machine": "CNC-07", "reason": "tool change", "minutes": 12}]}
    bad = client.error('mutation { downtimeRecord(machine: "X", reason: "?", minutes: 0) { id } }')
    assert bad["extensions"] == {"code": "VALIDATION", "field": "minutes"}

    outsider = make_client(app, create_user(app, "visitor", roles=[]))
    assert outsider.error(mutation)["extensions"]["code"] == "FORBIDDEN"

    plan = plan_removal(app, "downtime")
    assert plan.tables == {"downtime_event": 1}
    assert ("p", "operator", "downtime.event", "create", "*") in plan.policies
    assert "Mutation.downtimeRecord" in plan.graphql_fields

    uninstall(app, "downtime")
    assert "downtime" not in app.installed_versions()
    assert not inspect(app.engine).has_table("downtime_event")


def test_api_convention_examples(make_app, make_client):
    app = make_app(plugins=["orders"])  # the example grants orders' role sales_rep
    admin = make_client(app, create_user(app, "admin2", roles=["admin"], password="admin-pass-1"))
    login, users, user_create = (b for b in blocks("graphql") if "downtime" not in b)

    anon = make_client(app)
    signed_in = anon.ok(login.replace("admin", "admin2").replace("…", "admin-pass-1"))
    assert signed_in["login"]["user"] == {"username": "admin2", "roles": ["admin"]}
    assert signed_in["login"]["token"].startswith("tnn_")

    created = admin.ok(user_create)
    assert created["userCreate"] == {"username": "rita", "roles": ["sales_rep"]}
    again = admin.error(user_create)
    assert again["extensions"] == {"code": "VALIDATION", "field": "username"}
    assert again["message"] == "user 'rita' already exists"

    page = admin.ok(users)["users"]
    assert page["totalCount"] == 2 and len(page["nodes"]) == 2
    assert page["pageInfo"]["hasNextPage"] is False
