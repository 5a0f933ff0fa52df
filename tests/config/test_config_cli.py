"""``tenon config export | import FILE | diff A B | rollback N`` between two sites."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tenon.core.testing import create_user


def _cli(app, *args):
    from tenon.core.cli import cli

    return CliRunner().invoke(cli, ["--site", str(app.site.path), *args], catch_exceptions=False)


def test_export_import_diff_rollback_through_the_cli(make_app, make_client, tmp_path):
    a, b = make_app(plugins=["stock"]), make_app(plugins=["stock"])
    out = _cli(a, "config", "export", "-o", str(tmp_path / "a.json"))
    assert out.exit_code == 0, out.output
    doc = json.loads((tmp_path / "a.json").read_text())
    seq = doc["kinds"]["core.sequence"]
    code = sorted(seq)[0]
    seq[code] = {**seq[code], "prefix": "PROD-"}
    (tmp_path / "a.json").write_text(json.dumps(doc))

    out = _cli(b, "config", "import", str(tmp_path / "a.json"), "--publish", "-m", "from the test site")
    assert out.exit_code == 0, out.output
    assert out.output.strip() == "published version 2"  # a sequence change needs no approval
    out = _cli(b, "config", "diff", "1", "2")
    assert out.exit_code == 0
    assert f'~ core.sequence {code}:' in out.output and '    prefix: ' in out.output and '-> "PROD-"' in out.output
    assert out.output.strip().endswith("1 item(s) differ from 1 to 2")
    versions = _cli(b, "config", "versions").output.splitlines()
    assert "import    system: from the test site" in versions[0] and "baseline" in versions[1]

    # a document from a site without some sequence leaves that sequence alone (sequences belong to plugins)
    fewer = {**doc, "kinds": {**doc["kinds"], "core.sequence": {code: seq[code]}}}
    (tmp_path / "fewer.json").write_text(json.dumps(fewer))
    out = _cli(b, "config", "import", str(tmp_path / "fewer.json"))
    assert out.exit_code == 0 and "nothing to change" in out.output, out.output
    assert len(seq) > 1

    # a change that needs approval is submitted, not published
    doc["kinds"]["core.setting"] = {"health.max_admins": {"value": 5}}
    (tmp_path / "b.json").write_text(json.dumps(doc))
    out = _cli(b, "config", "import", str(tmp_path / "b.json"), "--publish")
    assert out.exit_code == 0, out.output
    assert "+ core.setting health.max_admins: health.max_admins = 5  [needs approval]" in out.output
    assert "is submitted: a config_approver must approve it" in out.output
    approver = make_client(b, create_user(b, "bob", roles=["config_approver"]))
    approver.ok("mutation { configApprove(comment: \"ok\") { state } }")
    approver.ok("mutation { configPublish { number } }")

    out = _cli(b, "config", "rollback", "1")
    assert out.exit_code == 0 and out.output.strip() == "published version 4: a copy of version 1"
    assert _cli(b, "config", "diff", "1", "4").output.strip() == "0 item(s) differ from 1 to 4"
    assert json.loads(_cli(b, "config", "diff", "3", "live", "--json").output)[0]["change"] == "changed"

    bad = _cli(b, "config", "rollback", "99")
    assert bad.exit_code == 1 and "error: no configuration version 99" in bad.output
    bad = _cli(b, "config", "import", str(tmp_path / "nope.json"))
    assert bad.exit_code == 1 and "error: no file" in bad.output
