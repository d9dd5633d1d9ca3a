"""Which shots still go to Visualizer, and when: a queue that is stored and survives restarts.

The queue holds record ids only (the records are in the archive). Each shot is
queued once: a shot that is waiting, failed or already uploaded is not queued
again, so a restart that replays a completion never uploads twice. Outcomes
come from ``visualizer_api.interpret_upload``: a retry waits its backoff, a
slow-down holds every waiting shot (the limits are per account and address),
bad credentials pause the whole queue until ``resume``, and a shot that is
rejected or has used ``max_attempts`` is kept as failed until ``retry_failed``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, Self

from ...cooking.validation import (
    as_bool,
    as_enum,
    as_float,
    as_int,
    as_list,
    as_mapping,
    as_opt_int,
    as_str,
)
from .errors import stored_invalid
from .visualizer_api import UploadOutcome, UploadResult

DEFAULT_MAX_ATTEMPTS: Final = 8
MAX_JOBS: Final = 500
MAX_DONE: Final = 500  # uploaded ids remembered, newest last
MAX_ID: Final = 64
MAX_MESSAGE: Final = 300


class JobState(StrEnum):
    WAITING = "waiting"
    FAILED = "failed"


@dataclass(slots=True)
class UploadJob:
    shot_id: str  # the record's id
    added_at: float
    next_attempt_at: float
    attempts: int = 0
    state: JobState = JobState.WAITING
    last_status: int | None = None
    last_message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "shot_id": self.shot_id,
            "added_at": self.added_at,
            "next_attempt_at": self.next_attempt_at,
            "attempts": self.attempts,
            "state": self.state.value,
            "last_status": self.last_status,
            "last_message": self.last_message,
        }

    @classmethod
    def from_dict(cls, data: object) -> Self:
        raw = as_mapping(data, "job")
        return cls(
            shot_id=_id(raw.get("shot_id"), "shot_id"),
            added_at=as_float(raw.get("added_at"), "added_at"),
            next_attempt_at=as_float(raw.get("next_attempt_at"), "next_attempt_at"),
            attempts=_count(raw.get("attempts", 0), "attempts"),
            state=as_enum(JobState, raw.get("state", JobState.WAITING.value), "state"),
            last_status=as_opt_int(raw.get("last_status"), "last_status"),
            last_message=as_str(raw.get("last_message", ""), "last_message")[:MAX_MESSAGE],
        )


class UploadQueue:
    def __init__(self, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> None:
        self.max_attempts = max_attempts
        self.jobs: dict[str, UploadJob] = {}
        self.done: dict[str, str] = {}  # record id → Visualizer shot id
        self.paused = False  # bad credentials: nothing is due until ``resume``
        self.pause_message = ""

    def __contains__(self, shot_id: object) -> bool:
        return shot_id in self.jobs or shot_id in self.done

    def add(self, shot_id: str, now: float) -> bool:
        """Queue a record for upload now; False if it is known already or the queue is full."""
        if shot_id in self:
            return False
        if len(self.jobs) >= MAX_JOBS:
            failed = next(
                (key for key, job in self.jobs.items() if job.state is JobState.FAILED), None
            )
            if failed is None:
                return False
            del self.jobs[failed]
        self.jobs[shot_id] = UploadJob(shot_id, added_at=now, next_attempt_at=now)
        return True

    def due(self, now: float) -> list[str]:
        """The waiting shots whose time has come, oldest first."""
        if self.paused:
            return []
        return [
            job.shot_id
            for job in self.jobs.values()
            if job.state is JobState.WAITING and job.next_attempt_at <= now
        ]

    def next_due_at(self) -> float | None:
        """When the next shot is due (to set a timer); None when nothing waits or paused."""
        times = [j.next_attempt_at for j in self.jobs.values() if j.state is JobState.WAITING]
        return None if self.paused or not times else min(times)

    def record(self, shot_id: str, outcome: UploadOutcome, now: float) -> None:
        """Account the outcome of one attempt of ``shot_id``."""
        job = self.jobs.get(shot_id)
        if job is None:
            return
        job.last_status = outcome.status
        job.last_message = outcome.message[:MAX_MESSAGE]
        result = outcome.result
        if result is UploadResult.UPLOADED:
            del self.jobs[shot_id]
            self.done[shot_id] = outcome.shot_id or ""
            while len(self.done) > MAX_DONE:
                del self.done[next(iter(self.done))]
        elif result is UploadResult.BAD_CREDENTIALS:
            self.paused, self.pause_message = True, job.last_message
        elif result is UploadResult.REJECTED:
            job.attempts += 1
            job.state = JobState.FAILED
        elif result is UploadResult.SLOW_DOWN:
            until = now + (outcome.retry_after or 0.0)
            for other in self.jobs.values():
                other.next_attempt_at = max(other.next_attempt_at, until)
        else:
            job.attempts += 1
            if job.attempts >= self.max_attempts:
                job.state = JobState.FAILED
            else:
                job.next_attempt_at = now + (outcome.retry_after or 0.0)

    def mark_done(self, shot_id: str, visualizer_id: str) -> None:
        """``shot_id`` was uploaded outside the queue (an action): it is not queued again."""
        self.jobs.pop(shot_id, None)
        self.done.pop(shot_id, None)  # the newest last
        self.done[shot_id] = visualizer_id[:MAX_ID]
        while len(self.done) > MAX_DONE:
            del self.done[next(iter(self.done))]

    def pause(self, message: str) -> None:
        """The credentials were refused outside the queue (an action): wait for ``resume``."""
        self.paused, self.pause_message = True, message[:MAX_MESSAGE]

    def clear(self) -> int:
        """Forget every waiting and failed shot (the account was removed); returns how many."""
        count = len(self.jobs)
        self.jobs.clear()
        self.paused, self.pause_message = False, ""
        return count

    def attempts_of(self, shot_id: str) -> int:
        """Attempts made so far, for ``interpret_upload(attempt=…)`` (the next is this + 1)."""
        job = self.jobs.get(shot_id)
        return 0 if job is None else job.attempts

    def resume(self, now: float) -> None:
        """The credentials were fixed: every waiting shot is due now."""
        self.paused, self.pause_message = False, ""
        for job in self.jobs.values():
            if job.state is JobState.WAITING:
                job.next_attempt_at = min(job.next_attempt_at, now)

    def retry_failed(self, now: float) -> int:
        """Give every failed shot a fresh set of attempts; returns how many."""
        count = 0
        for job in self.jobs.values():
            if job.state is JobState.FAILED:
                job.state, job.attempts, job.next_attempt_at = JobState.WAITING, 0, now
                count += 1
        return count

    def remove(self, shot_id: str) -> bool:
        """Forget a shot (its record was deleted)."""
        return self.jobs.pop(shot_id, None) is not None or self.done.pop(shot_id, None) is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "jobs": [job.to_dict() for job in self.jobs.values()],
            "done": [[key, value] for key, value in self.done.items()],
            "paused": self.paused,
            "pause_message": self.pause_message,
        }

    @classmethod
    def from_dict(cls, data: object, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> Self:
        """The stored queue; ``RecordError("stored_invalid")`` if it is damaged."""
        try:
            return cls._read(as_mapping(data, "upload queue"), max_attempts)
        except (ValueError, RecursionError) as err:
            raise stored_invalid("upload queue", str(err) or type(err).__name__) from None

    @classmethod
    def _read(cls, raw: Mapping[str, Any], max_attempts: int) -> Self:
        queue = cls(max_attempts=max_attempts)
        jobs = as_list(raw.get("jobs", []), "jobs")
        done = as_list(raw.get("done", []), "done")
        if len(jobs) > MAX_JOBS or len(done) > MAX_DONE:
            raise ValueError("more entries than a queue keeps")
        for item in jobs:
            job = UploadJob.from_dict(item)
            queue.jobs[job.shot_id] = job
        for item in done:
            pair = as_list(item, "done entry")
            if len(pair) != 2:
                raise ValueError("done entry: expected [record id, shot id]")
            queue.done[_id(pair[0], "record id")] = as_str(pair[1], "shot id")[:MAX_ID]
        queue.paused = as_bool(raw.get("paused", False), "paused")
        queue.pause_message = as_str(raw.get("pause_message", ""), "pause_message")[:MAX_MESSAGE]
        return queue


def _id(value: object, name: str) -> str:
    text = as_str(value, name)
    if not 0 < len(text) <= MAX_ID:
        raise ValueError(f"{name}: expected 1 to {MAX_ID} characters")
    return text


def _count(value: object, name: str) -> int:
    number = as_int(value, name)
    if number < 0:
        raise ValueError(f"{name}: negative")
    return number
