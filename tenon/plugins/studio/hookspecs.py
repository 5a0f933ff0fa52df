"""Hooks studio owns: none yet (custom entities are declared with the kernel hook ``tenon_custom_entities``)."""
