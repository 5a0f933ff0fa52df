"""devices' domain functions: :mod:`.devices` (registry, tokens, heartbeats, silence),
:mod:`.printing` (labels to network printers), :mod:`.messages` (MQTT messages to machine signals)."""
