"""At most one running cook, plus the archive of the summaries of ended ones."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, Self

from .session import DEFAULT_GRACE, Session
from .validation import as_list, as_mapping

DEFAULT_MAX_HISTORY: Final = 10


class SessionError(Exception):
    """A session command that does not fit the current state (start twice, end none)."""


class SessionManager:
    def __init__(
        self, *, grace: float = DEFAULT_GRACE, max_history: int = DEFAULT_MAX_HISTORY
    ) -> None:
        if grace < 0 or max_history < 0:
            raise ValueError("grace and max_history must not be negative")
        self.grace = grace
        self.max_history = max_history
        self.active: Session | None = None
        self.history: list[dict[str, Any]] = []  # summaries, oldest first

    def start(
        self,
        now: float,
        *,
        session_id: str | None = None,
        name: str = "",
        devices: Iterable[str] = (),
        ready_by: float | None = None,
    ) -> Session:
        if self.active is not None:
            raise SessionError(f"session {self.active.id!r} is still running")
        session = Session(
            id=session_id or f"cook-{int(now)}",
            name=name,
            started_at=now,
            ready_by=ready_by,
            grace=self.grace,
        )
        for device_id in devices:
            session.add_device(device_id, now)
        self.active = session
        return session

    def in_session(self, device_id: str) -> bool:
        """Whether alerts of this device's probes belong to a running cook."""
        return self.active is not None and self.active.is_active(device_id)

    def end(self, now: float) -> dict[str, Any]:
        """End the running session; its summary is archived and returned."""
        session = self.active
        if session is None:
            raise SessionError("no session is running")
        session.expire(now)
        session.ended_at = now
        summary = session.summary()
        self.history = _latest([*self.history, summary], self.max_history)
        self.active = None
        return summary

    def to_dict(self) -> dict[str, Any]:
        return {
            "active": None if self.active is None else self.active.to_dict(),
            "history": list(self.history),
        }

    @classmethod
    def from_dict(
        cls,
        data: object,
        *,
        grace: float = DEFAULT_GRACE,
        max_history: int = DEFAULT_MAX_HISTORY,
    ) -> Self:
        raw = as_mapping(data, "session manager")
        manager = cls(grace=grace, max_history=max_history)
        active = raw.get("active")
        manager.active = None if active is None else Session.from_dict(active, grace=grace)
        # summaries are archived data, shown as they are: only their shape is checked
        history = [
            dict(as_mapping(item, "summary")) for item in as_list(raw.get("history", []), "history")
        ]
        manager.history = _latest(history, max_history)
        return manager


def _latest(items: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    return items[-count:] if count > 0 else []  # items[-0:] would be all of them
