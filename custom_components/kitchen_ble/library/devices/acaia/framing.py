"""Cutting Acaia frames out of notifications (fact sheet §2.4, "framing pitfalls").

One notification may carry several frames and one frame may span several
notifications (the pre-2021 Lunar sends ``EF DD 0C`` on its own). Every frame
is bounded by its declared length, a length above 64 (or zero) is garbage and
skipped by the two header bytes, and a lone trailing ``EF`` is kept for the
next notification, as reaprime and Decenza do since a Lunar shot stopped on a
weight read across frame boundaries.
"""

from __future__ import annotations

from typing import Final

from .codec import HEADER, MSG_POWER, POWER_FRAME_SIZE

MAX_LENGTH: Final = 64
_FIRST: Final = HEADER[0]


class AcaiaFramer:
    """Keeps the bytes between notifications; ``feed`` returns the whole frames so far."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.skipped = 0  # bytes thrown away while looking for a frame

    def reset(self) -> None:
        """Drop what is buffered (a new connection)."""
        self._buffer.clear()

    def feed(self, data: bytes | bytearray) -> list[bytes]:
        """Add a notification's bytes; the frames now complete, in order."""
        self._buffer += data
        frames: list[bytes] = []
        while (frame := self._next()) is not None:
            frames.append(frame)
        return frames

    def _next(self) -> bytes | None:
        buffer = self._buffer
        while True:
            start = buffer.find(HEADER)
            if start < 0:
                keep = 1 if buffer[-1:] == bytes([_FIRST]) else 0
                self._drop(len(buffer) - keep)
                return None
            self._drop(start)
            if len(buffer) < 4:
                return None
            if buffer[2] == MSG_POWER:
                size = POWER_FRAME_SIZE
                break
            length = buffer[3]
            if 0 < length <= MAX_LENGTH:
                size = length + 5
                break
            self._drop(len(HEADER))  # garbage length: resync past this header
        if len(buffer) < size:
            return None
        frame = bytes(buffer[:size])
        del buffer[:size]
        return frame

    def _drop(self, count: int) -> None:
        if count > 0:
            self.skipped += count
            del self._buffer[:count]
