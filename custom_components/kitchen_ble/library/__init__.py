"""Kitchen BLE's library: device protocols and the cooking and brewing logic.

Nothing in this package imports Home Assistant or the Home Assistant layer
around it (the import-linter contracts in pyproject.toml check it); modules
inside it import each other relatively.
"""
