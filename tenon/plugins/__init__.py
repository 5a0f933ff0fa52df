"""Bundled plugins; each is registered through the tenon.plugins entry-point group."""
