"""Hooks devices owns: none yet (after-commit reactions subscribe to :mod:`.events`)."""
