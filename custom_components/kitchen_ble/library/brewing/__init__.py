"""Brewing temperature programs without Home Assistant: programs, runs, alarms.

Temperatures are °C floats and times are float epoch seconds supplied by the
caller (nothing here reads the clock), so every module is deterministic and
testable. Errors a user can cause carry a translation key (``ProgramError``).
"""
