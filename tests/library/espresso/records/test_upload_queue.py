"""The upload queue: each shot once, retries with backoff, pauses, and a strict stored form."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from custom_components.kitchen_ble.library.espresso.records import (
    JobState,
    RecordError,
    UploadQueue,
    interpret_upload,
)
from custom_components.kitchen_ble.library.espresso.records.errors import message_placeholders
from custom_components.kitchen_ble.library.espresso.records.upload_queue import MAX_DONE, MAX_JOBS
from tests.fuzz import fuzz, json_values, mutated

OK = interpret_upload(200, b'{"id":"vz-1"}')
RETRY = interpret_upload(None)  # 30 s
SLOW = interpret_upload(429)  # 600 s
BAD = interpret_upload(401)
NO = interpret_upload(422, b'{"error":"Could not save the provided file."}')


def test_each_shot_is_queued_once_even_after_upload() -> None:
    queue = UploadQueue()
    assert queue.add("a", 100.0)
    assert not queue.add("a", 101.0)
    assert queue.due(100.0) == ["a"]
    queue.record("a", OK, 102.0)
    assert queue.done == {"a": "vz-1"}
    assert "a" in queue
    assert not queue.add("a", 103.0)
    assert queue.due(200.0) == []
    assert queue.next_due_at() is None
    queue.record("unknown", OK, 104.0)  # an outcome for a shot no longer queued: ignored
    assert queue.done == {"a": "vz-1"}


def test_retries_wait_then_fail() -> None:
    queue = UploadQueue(max_attempts=3)
    queue.add("a", 0.0)
    queue.record("a", RETRY, 10.0)
    assert queue.due(39.0) == []
    assert queue.due(40.0) == ["a"]
    assert queue.attempts_of("a") == 1
    assert queue.attempts_of("zz") == 0
    assert queue.next_due_at() == 40.0
    queue.record("a", RETRY, 40.0)
    queue.record("a", RETRY, 100.0)
    job = queue.jobs["a"]
    assert job.state is JobState.FAILED
    assert job.attempts == 3
    assert queue.due(10_000.0) == []
    assert queue.retry_failed(500.0) == 1
    assert queue.due(500.0) == ["a"]
    assert queue.jobs["a"].attempts == 0


def test_rejected_fails_at_once_with_its_message() -> None:
    queue = UploadQueue()
    queue.add("a", 0.0)
    queue.record("a", NO, 1.0)
    job = queue.jobs["a"]
    assert (job.state, job.last_status) == (JobState.FAILED, 422)
    assert job.last_message == "Could not save the provided file."


def test_slow_down_holds_every_waiting_shot() -> None:
    queue = UploadQueue()
    queue.add("a", 0.0)
    queue.add("b", 0.0)
    queue.add("c", 5000.0)
    queue.record("a", SLOW, 10.0)
    assert queue.due(609.0) == []
    assert queue.due(610.0) == ["a", "b"]
    assert queue.jobs["c"].next_attempt_at == 5000.0
    assert queue.attempts_of("a") == 0  # a rate limit is no failed attempt


def test_bad_credentials_pause_until_resumed() -> None:
    queue = UploadQueue()
    queue.add("a", 0.0)
    queue.add("b", 0.0)
    queue.add("c", 0.0)
    queue.record("b", RETRY, 0.0)
    queue.record("c", NO, 0.0)
    queue.record("a", BAD, 1.0)
    assert queue.paused
    assert queue.due(10_000.0) == []
    assert queue.next_due_at() is None
    queue.resume(2.0)
    assert not queue.paused
    assert queue.due(2.0) == ["a", "b"]
    assert queue.jobs["c"].state is JobState.FAILED  # resuming is no retry of a rejected shot
    assert queue.retry_failed(3.0) == 1
    assert queue.jobs["b"].attempts == 1  # a waiting shot keeps its count


def test_a_full_queue_drops_failed_shots_first() -> None:
    queue = UploadQueue()
    for i in range(MAX_JOBS):
        assert queue.add(f"s{i}", 0.0)
    assert not queue.add("new", 0.0)
    queue.record("s7", NO, 1.0)
    assert queue.add("new", 2.0)
    assert "s7" not in queue
    assert len(queue.jobs) == MAX_JOBS


def test_done_is_bounded_and_remove_forgets() -> None:
    queue = UploadQueue()
    for i in range(MAX_DONE + 3):
        queue.add(f"s{i}", 0.0)
        queue.record(f"s{i}", OK, 0.0)
    assert len(queue.done) == MAX_DONE
    assert "s0" not in queue.done
    assert queue.remove("s10")
    queue.add("w", 0.0)
    assert queue.remove("w")
    assert not queue.remove("w")


def test_uploads_outside_the_queue_pause_and_clear() -> None:
    queue = UploadQueue()
    queue.add("a", 0.0)
    queue.add("b", 0.0)
    queue.mark_done("a", "vz-a")  # an action uploaded it: no longer waiting, never again
    assert queue.done == {"a": "vz-a"}
    assert queue.due(1.0) == ["b"]
    assert not queue.add("a", 2.0)
    queue.mark_done("c", "vz-c")
    queue.mark_done("a", "vz-a2")  # uploaded again: the newest last
    assert list(queue.done.items()) == [("c", "vz-c"), ("a", "vz-a2")]
    queue.pause("refused " * 100)
    assert queue.paused
    assert len(queue.pause_message) == 300
    assert queue.due(5.0) == []
    assert queue.clear() == 1
    assert not queue.paused
    assert queue.pause_message == ""
    assert queue.jobs == {}
    assert queue.done == {"c": "vz-c", "a": "vz-a2"}, "what was uploaded stays known"


def test_mark_done_keeps_the_bound() -> None:
    queue = UploadQueue()
    for i in range(MAX_DONE + 2):
        queue.mark_done(f"s{i}", "x" * 100)
    assert len(queue.done) == MAX_DONE
    assert "s0" not in queue.done
    assert queue.done[f"s{MAX_DONE + 1}"] == "x" * 64


def test_round_trip() -> None:
    queue = UploadQueue()
    queue.add("a", 1.0)
    queue.add("b", 2.0)
    queue.record("a", RETRY, 3.0)
    queue.add("c", 4.0)
    queue.record("c", OK, 5.0)
    queue.record("b", BAD, 6.0)
    copy = UploadQueue.from_dict(queue.to_dict())
    assert copy.to_dict() == queue.to_dict()
    assert copy.paused
    assert copy.done == {"c": "vz-1"}


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"jobs": [{"shot_id": ""}]},
        {"jobs": [{"shot_id": "a", "added_at": 1, "next_attempt_at": 1, "attempts": -1}]},
        {"jobs": [{"shot_id": "a", "added_at": 1, "next_attempt_at": 1, "state": "odd"}]},
        {"done": [["a"]]},
        {"done": [["a", "b"]] * (MAX_DONE + 1)},
        {"paused": "yes"},
    ],
)
def test_damage_is_a_record_error(data: Any) -> None:
    with pytest.raises(RecordError) as err:
        UploadQueue.from_dict(data)
    assert err.value.key == "stored_invalid"
    assert err.value.placeholders["field"] == "upload queue"


def _sample_queue() -> dict[str, Any]:
    queue = UploadQueue()
    queue.add("a", 1.0)
    queue.add("b", 2.0)
    queue.record("a", RETRY, 3.0)
    queue.add("c", 4.0)
    queue.record("c", OK, 5.0)
    return queue.to_dict()


@fuzz(200)
@given(mutated(_sample_queue()) | json_values)
def test_fuzz_stored_queue(data: object) -> None:
    error: RecordError | None = None
    try:
        queue = UploadQueue.from_dict(data)
    except RecordError as err:
        error = err
    if error is not None:
        assert set(error.placeholders) == message_placeholders(error.key)
    else:
        assert UploadQueue.from_dict(queue.to_dict()).to_dict() == queue.to_dict()
