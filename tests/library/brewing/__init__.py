"""Tests of the brewing programs (no Home Assistant)."""
