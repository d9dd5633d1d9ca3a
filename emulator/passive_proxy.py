"""A passive-only virtual proxy: advertisements arrive as not connectable.

Like a Shelly gateway (or any scanner without active connections), it hears
advertisements but cannot connect. habluetooth marks connectability per
scanner, not per advertisement, so passive advertisers (``emulator.node``)
seen through the ordinary ``VirtualProxy`` show up as connectable, as they do
through an ESPHome proxy with active connections; this proxy is the other
case, where only a ``"connectable": false`` matcher sees them.
"""

from __future__ import annotations

from habluetooth import BaseHaRemoteScanner

from .proxy import VirtualProxy, VirtualProxyScanner


class PassiveProxyScanner(VirtualProxyScanner):
    """A remote scanner without a connector and ``connectable=False``."""

    def __init__(self, proxy: VirtualProxy) -> None:
        BaseHaRemoteScanner.__init__(self, proxy.source, proxy.source, connectable=False)
        self.proxy = proxy


class PassiveProxy(VirtualProxy):
    """A virtual proxy with no connection slots and a non-connectable scanner."""

    def __init__(self, *, suffix: str | None = None, speed: float = 1.0) -> None:
        super().__init__(suffix=suffix, slots=0, speed=speed)

    @property
    def scanner(self) -> VirtualProxyScanner:
        """The non-connectable remote scanner, created on first use."""
        if self._scanner is None:
            self._scanner = PassiveProxyScanner(self)
        return self._scanner
