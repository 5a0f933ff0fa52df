"""Hooks the rework plugin owns: none yet. Other plugins react to rework orders after commit
through :mod:`tenon.plugins.rework.events` (``rework.order.created``,
``rework.order.state_changed``)."""
