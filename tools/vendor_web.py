#!/usr/bin/env python3
"""Copy the console's front-end libraries from the npm registry into ``tenon/web/static/vendor/``.

    cd tools/web && npm ci --ignore-scripts && cd ../.. && python3 tools/vendor_web.py
    python3 tools/vendor_web.py --check     # the committed files are what the lock installs

``tools/web/package.json`` and its ``package-lock.json`` pin the packages; this script copies the
built files listed in ``FILES`` (and each package's licence) and writes ``vendor/MANIFEST.json``
(package, version, source path and SHA-256 of every file, and the SHA-256 of the lock).
``tests/web/test_assets.py`` checks the committed files against the manifest and the lock, so a
lock change without re-vendoring, or a hand-edited vendored file, fails. Tenon itself never runs
npm: the files are committed and shipped as package data.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NPM = ROOT / "tools" / "web"
VENDOR = ROOT / "tenon" / "web" / "static" / "vendor"

#: vendored name -> (npm package, file inside the package)
FILES = {
    "preact-htm.mjs": ("htm", "preact/standalone.mjs"),
    "chart.umd.min.js": ("chart.js", "dist/chart.umd.min.js"),
    "react.production.min.js": ("react", "umd/react.production.min.js"),
    "react-dom.production.min.js": ("react-dom", "umd/react-dom.production.min.js"),
    "graphiql.min.js": ("graphiql", "graphiql.min.js"),
    "graphiql.min.css": ("graphiql", "graphiql.min.css"),
}
LICENSES = ("LICENSE", "LICENSE.md", "LICENSE.txt")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def locked_versions() -> dict[str, str]:
    lock = json.loads((NPM / "package-lock.json").read_text())
    return {name.removeprefix("node_modules/"): meta["version"] for name, meta in lock["packages"].items()
            if name.startswith("node_modules/")}


def wanted() -> dict[str, bytes]:
    """The files the lock's installation gives: ``{vendored name: bytes}`` (needs ``npm ci``)."""
    out: dict[str, bytes] = {}
    versions = locked_versions()
    for name, (package, rel) in FILES.items():
        pkg = NPM / "node_modules" / package
        meta = json.loads((pkg / "package.json").read_text())
        if meta["version"] != versions[package]:
            sys.exit(f"{package}: node_modules has {meta['version']}, the lock {versions[package]}: run npm ci")
        out[name] = (pkg / rel).read_bytes()
    for package in sorted({p for p, _ in FILES.values()}):
        lic = next((NPM / "node_modules" / package / n for n in LICENSES
                    if (NPM / "node_modules" / package / n).is_file()), None)
        if lic is None:
            sys.exit(f"{package}: no licence file")
        out[f"licenses/{package}.txt"] = lic.read_bytes()
    return out


def manifest(files: dict[str, bytes]) -> dict:
    versions = locked_versions()
    entries = {}
    for name, data in sorted(files.items()):
        package = FILES[name][0] if name in FILES else name.removeprefix("licenses/").removesuffix(".txt")
        entries[name] = {"package": package, "version": versions[package],
                         "from": FILES[name][1] if name in FILES else "LICENSE", "sha256": sha256(data)}
    return {"lock_sha256": sha256((NPM / "package-lock.json").read_bytes()), "files": entries}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on a difference")
    args = parser.parse_args()
    files = wanted()
    if args.check:
        bad = [n for n, data in files.items() if not (VENDOR / n).is_file() or (VENDOR / n).read_bytes() != data]
        current = json.loads((VENDOR / "MANIFEST.json").read_text())
        if current != manifest(files):
            bad.append("MANIFEST.json")
        for n in bad:
            print(f"out of date: tenon/web/static/vendor/{n}")
        return 1 if bad else 0
    for name, data in files.items():
        (VENDOR / name).parent.mkdir(parents=True, exist_ok=True)
        (VENDOR / name).write_bytes(data)
    (VENDOR / "MANIFEST.json").write_text(json.dumps(manifest(files), indent=2, sort_keys=True) + "\n")
    print(f"vendored {len(files)} files into {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
