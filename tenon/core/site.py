"""A site: a directory with ``tenon.toml`` and, by default, its SQLite database ``tenon.db``."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tenon.core.errors import ConfigError

CONFIG_NAME = "tenon.toml"
DEFAULT_SITE = "tenon-site"

DEFAULTS: dict[str, Any] = {
    "api": {
        "graphiql": True,
        "introspection": "authenticated",
        "max_page_size": 100,
        "default_page_size": 50,
        "max_depth": 12,
        "max_aliases": 30,
        "max_tokens": 5000,
        "max_cost": 50000,
        "statement_timeout_ms": 15000,
        "plugin_check_seconds": 1.0,
    },
    "auth": {
        "session_hours": 12,
        "max_failures": 5,
        "failure_window_minutes": 15,
    },
    "uploads": {
        "max_bytes": 10 * 1024 * 1024,
        "content_types": ["image/png", "image/jpeg", "image/webp", "application/pdf", "text/plain"],
    },
}

CONFIG_TEMPLATE = """\
# Tenon site configuration.
# Which plugins are installed is recorded in the site database, not here.

# database_url = "postgresql+psycopg://user@127.0.0.1:5432/tenon"

[api]
graphiql = true          # the in-browser IDE at /graphql; turn off in production
introspection = "authenticated"   # true: anyone; false: nobody (production)
max_page_size = 100

[uploads]
max_bytes = 10485760
"""


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


@dataclass
class Site:
    path: Path
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        url = os.environ.get("TENON_DATABASE_URL") or self.config.get("database_url")
        return url or f"sqlite:///{(self.path / 'tenon.db').resolve()}"

    @property
    def attachments_dir(self) -> Path:
        return self.path / "attachments"

    def setting(self, section: str, key: str) -> Any:
        return self.config.get(section, {}).get(key, DEFAULTS[section][key])

    def plugin_settings(self, plugin: str) -> dict[str, Any]:
        """The table ``[plugins.<plugin>]`` of ``tenon.toml``: a plugin's own settings (the plugin
        documents and checks them; the kernel knows none). Empty when the site sets none."""
        return dict(self.config.get("plugins", {}).get(plugin, {}))

    @classmethod
    def locate(cls, path: str | os.PathLike[str] | None = None) -> Path:
        return Path(path or os.environ.get("TENON_SITE") or DEFAULT_SITE).resolve()

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> Site:
        root = cls.locate(path)
        cfg = root / CONFIG_NAME
        if not cfg.is_file():
            raise ConfigError(f"no Tenon site at {root} (missing {CONFIG_NAME}); run `tenon init` first")
        try:
            data = tomllib.loads(cfg.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"bad config {cfg}: {exc}") from None
        unknown = set(data) - {"database_url", "plugins", *DEFAULTS}
        if unknown:
            raise ConfigError(f"bad config {cfg}: unknown key(s) {', '.join(sorted(unknown))}")
        plugins = data.get("plugins", {})
        if not isinstance(plugins, dict) or not all(isinstance(v, dict) for v in plugins.values()):
            raise ConfigError(f"bad config {cfg}: [plugins] holds one table per plugin ([plugins.devices])")
        return cls(root, _merge(DEFAULTS, data))

    @classmethod
    def create(cls, path: str | os.PathLike[str] | None = None, database_url: str | None = None,
               overrides: dict[str, Any] | None = None) -> Site:
        root = cls.locate(path)
        root.mkdir(parents=True, exist_ok=True)
        cfg = root / CONFIG_NAME
        if not cfg.exists():
            text = CONFIG_TEMPLATE
            if database_url:
                text = text.replace(
                    '# database_url = "postgresql+psycopg://user@127.0.0.1:5432/tenon"',
                    f'database_url = "{database_url}"',
                )
            cfg.write_text(text, encoding="utf-8")
            from tenon.core.audit import create_key  # the audit chain's key lives outside the database

            create_key(root)
        site = cls.load(root)
        if overrides:
            site.config = _merge(site.config, overrides)
        return site
