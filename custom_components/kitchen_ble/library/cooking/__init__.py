"""Cooking logic without Home Assistant: targets, alerts, time to target, sessions.

Temperatures are °C floats and times are float seconds supplied by the caller
(nothing here reads the clock), so every module is deterministic and testable.
"""
