"""``TENON_TEST_WITHOUT_PLUGINS``: what a pass of the suite without a plugin runs and skips.

A plugin author's suite (or ours in CI) is run a second time with ``TENON_TEST_WITHOUT_PLUGINS=rework``:
every-plugin sites leave rework out, a test naming rework is skipped, and a test whose site names its
plugins and none of the left-out ones is skipped too, since its site is the one the full run built.
"""

from __future__ import annotations

import os
import subprocess
import sys

SUITE = '''
def test_every_plugin(make_app):
    app = make_app()
    print("PLUGINS", sorted(app.plugins))
    assert app.has_plugin("orders")


def test_names_rework(make_app):
    make_app(plugins=["rework"])


def test_names_stock_only(make_app):
    make_app(plugins=["stock"])
'''


def _run(tmp_path, without: str | None) -> str:
    (tmp_path / "test_site.py").write_text(SUITE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("TENON_SITE", "TENON_TEST_WITHOUT_PLUGINS")}
    if without:
        env["TENON_TEST_WITHOUT_PLUGINS"] = without
    ran = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-s", "-p", "no:cacheprovider", str(tmp_path)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-2000:]
    return ran.stdout


def test_a_pass_without_rework_runs_only_what_it_changes(tmp_path):
    out = _run(tmp_path, "rework")
    assert "1 passed, 2 skipped" in out, out
    plugins = next(line for line in out.splitlines() if "PLUGINS" in line)
    assert "'rework'" not in plugins and "'orders'" in plugins, plugins
    assert "this test needs a plugin left out" in out, out
    assert "this test's site has none of them; the full run covers it" in out, out


def test_the_full_pass_runs_all_three(tmp_path):
    out = _run(tmp_path, None)
    assert "3 passed" in out, out
    assert "'rework'" in next(line for line in out.splitlines() if "PLUGINS" in line)
