"""The console without a browser: the page list follows roles and the plugin set, the files are
served from Tenon (never a CDN) with revalidation, and the vendored libraries are what the npm
lock installs."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from pathlib import Path

import pytest

import tenon
from tenon.testing import create_user

ROOT = Path(tenon.__file__).parent.parent
STATIC = Path(tenon.__file__).parent / "web" / "static"
VENDOR = STATIC / "vendor"
PAGES = "{ consolePages { path plugin kind title moduleUrl } }"


@pytest.fixture(scope="module")
def site(_tenon_sites, tmp_path_factory):
    """One site with every bundled plugin, served in-process (Litestar TestClient)."""
    from litestar.testing import TestClient

    from tenon.core.kernel import Tenon
    from tenon.core.site import Site
    from tenon.graphql.app import create_app

    path = tmp_path_factory.mktemp("console-api")
    url, dbname = _tenon_sites.new(path, None, [])
    app = Tenon(Site.create(path, database_url=url))
    with TestClient(create_app(app)) as http:
        yield app, http
    app.dispose()
    if dbname and _tenon_sites.pg:
        _tenon_sites.pg.drop(dbname)


def pages_of(site, *roles, attributes=None) -> dict[str, dict]:
    app, http = site
    token = create_user(app, f"u{hashlib.sha1(repr((roles, attributes)).encode()).hexdigest()[:8]}", roles=roles,
                        attributes=attributes)
    body = http.post("/graphql", json={"query": PAGES}, headers={"Authorization": f"Bearer {token}"}).json()
    assert "errors" not in body, body
    return {p["path"]: p for p in body["data"]["consolePages"]}


def test_each_role_sees_the_pages_it_may_open(site):
    printing = ["devices/devices", "devices/print"]  # devices: the registry card and label printing
    assert list(pages_of(site, "planner")) == ["orders/progress", "mrp/capacity", "stock/levels", "mrp/exceptions",
                                               *printing]
    assert list(pages_of(site, "operator", attributes={"work_centers": ["CNC"]})) == ["mrp/terminal", *printing]
    assert list(pages_of(site, "sales_rep", attributes={"regions": ["east"]})) == ["orders/progress"]
    # a clerk inherits the planner's reads (stock: g, warehouse_clerk, planner) and adds the scanner
    assert list(pages_of(site, "warehouse_clerk")) == ["orders/progress", "mrp/capacity", "stock/levels",
                                                       "mrp/exceptions", "stock/scan", *printing]
    # qc: the inspector records inspections; the quality manager also reads the KPIs
    assert list(pages_of(site, "inspector")) == ["qc/inspections"]
    assert list(pages_of(site, "quality_manager")) == ["qc/quality", "qc/inspections"]
    assert list(pages_of(site, "device_manager")) == printing
    admin = pages_of(site, "admin")
    assert admin["mrp/terminal"] == {"path": "mrp/terminal", "plugin": "mrp", "kind": "terminal",
                                     "title": {"en": "My tasks", "zh-CN": "我的任务"},
                                     "moduleUrl": "/console/plugins/mrp/terminal.js"}
    assert all(set(p["title"]) == {"en", "zh-CN"} for p in admin.values())


def test_the_page_list_needs_a_sign_in(site):
    _app, http = site
    body = http.post("/graphql", json={"query": PAGES}).json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_the_console_and_the_page_modules_are_served_with_revalidation(site):
    _app, http = site
    index = http.get("/")
    assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
    assert 'src="/console/static/console.js"' in index.text
    module = http.get("/console/plugins/orders/progress.js")
    assert module.status_code == 200 and module.headers["content-type"].startswith("text/javascript")
    assert module.headers["cache-control"] == "no-cache"
    again = http.get("/console/plugins/orders/progress.js", headers={"If-None-Match": module.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    plain = http.get("/console/static/vendor/chart.umd.min.js", headers={"Accept-Encoding": "identity"})
    packed = http.get("/console/static/vendor/chart.umd.min.js", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers and packed.headers["content-encoding"] == "gzip"
    assert packed.content == plain.content  # decoded by the client
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
    for bad in ("/console/plugins/orders/%2e%2e/plugin.py", "/console/plugins/orders/..%2fplugin.py",
                "/console/plugins/orders/nothing.js", "/console/plugins/nosuch/progress.js",
                "/console/static/..%2froutes.py", "/console/static/vendor"):
        answer = http.get(bad)
        assert answer.status_code == 404, bad
        assert answer.json()["error"]["code"] == "NOT_FOUND", bad


def local_assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize("url", ["/", "/graphql"])
def test_no_page_loads_anything_from_another_host(site, url):
    """The console and GraphiQL reference only files Tenon serves (offline: no CDN), and each answers."""
    _app, http = site
    html = http.get(url, headers={"Accept": "text/html"}).text
    assets = local_assets(html)
    assert assets and not re.search(r"https?://", html.replace("http://www.w3.org", ""))
    for asset in assets:
        if asset.startswith("data:") or asset == "/":
            continue
        assert asset.startswith("/console/static/"), asset
        assert http.get(asset).status_code == 200, asset
    # what the scripts import is local too
    for js in [p for p in STATIC.glob("*.js")] + list((ROOT / "tenon" / "plugins").glob("*/web/*.js")):
        for target in re.findall(r'from "([^"]+)"', js.read_text(encoding="utf-8")):
            assert target.startswith(("./", "/console/static/")), (js.name, target)


def test_the_vendored_files_are_what_the_lock_installs():
    """``tools/vendor_web.py`` wrote every file of vendor/ from the npm lock: each file's SHA-256 is the
    manifest's, the manifest's versions are the lock's, and the lock did not change since."""
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    lock_path = ROOT / "tools" / "web" / "package-lock.json"
    lock = json.loads(lock_path.read_text())
    assert manifest["lock_sha256"] == hashlib.sha256(lock_path.read_bytes()).hexdigest(), \
        "the npm lock changed: run tools/vendor_web.py"
    on_disk = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()} - {"MANIFEST.json"}
    assert on_disk == set(manifest["files"])
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == entry["sha256"], f"{name} was edited"
        assert lock["packages"][f"node_modules/{entry['package']}"]["version"] == entry["version"], name
    direct = json.loads((ROOT / "tools" / "web" / "package.json").read_text())["dependencies"]
    assert {e["package"] for e in manifest["files"].values()} == set(direct)


def test_the_vendored_files_match_node_modules_when_installed():
    """With ``npm ci`` run in tools/web, the committed files are byte for byte what it installed."""
    if not (ROOT / "tools" / "web" / "node_modules").is_dir():
        pytest.skip("tools/web/node_modules absent (npm ci not run); the manifest test covers the lock")
    import subprocess
    import sys

    out = subprocess.run([sys.executable, str(ROOT / "tools" / "vendor_web.py"), "--check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_package_data_ships_every_console_file():
    """A non-editable install carries the console: every file under tenon/web/static and every
    plugin's web/ folder matches a package-data pattern of pyproject.toml."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    files = [p for p in STATIC.rglob("*") if p.is_file()] + list((ROOT / "tenon" / "plugins").glob("*/web/*"))
    for f in files:
        package_dir, package = f.parent, None
        while package_dir != ROOT:
            if (package_dir / "__init__.py").exists():
                package = package_dir
                break
            package_dir = package_dir.parent
        rel = f.relative_to(package).as_posix()
        name = package.relative_to(ROOT).as_posix().replace("/", ".")
        patterns = data.get(name, []) + data.get("*", [])
        assert any(Path(rel).match(p) and rel.count("/") == p.count("/") for p in patterns), (name, rel)
