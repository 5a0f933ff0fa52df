"""studio: the public API (custom fields and flow rules are configuration, not code: other plugins
need nothing from studio; they declare their entities with the kernel hook ``tenon_custom_entities``)."""

from tenon.plugins.studio.models import FieldDefinition, Rule

__all__ = ["FieldDefinition", "Rule"]
