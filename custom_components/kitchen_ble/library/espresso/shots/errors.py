"""Typed errors of the shot logic: bad settings and bad stored learning."""

from __future__ import annotations


class ShotError(Exception):
    """Base of every error the shot logic raises."""


class ShotConfigError(ShotError, ValueError):
    """A plan or a setting no shot can run with (a negative target, a NaN lag)."""


class LearnedStateError(ShotError, ValueError):
    """Stored learning data that does not have the promised shape or ranges."""
