"""Performance benchmarks: the real integration inside Home Assistant, against the emulator.

Run them with ``scripts/bench``. Each module measures one figure beside a floor
measured in the same run and records both with ``benchmarks.report.record``;
the table is printed once at the end of the session (``benchmarks/conftest.py``).
"""
