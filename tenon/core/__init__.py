"""Tenon kernel."""
