"""Visualizer requests and answers (profiles fact sheet §4.1, §4.2, §4.3)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.espresso.records import (
    BodyForm,
    RecordError,
    UploadResult,
    VisualizerCredentials,
    backoff_delay,
    credentials_check_request,
    interpret_credentials,
    interpret_upload,
    upload_request,
)
from tests.fuzz import fuzz

BASIC = VisualizerCredentials("barista@example.com", "s3cret")
# base64("barista@example.com:s3cret"), worked out by hand from RFC 4648
BASIC_HEADER = "Basic YmFyaXN0YUBleGFtcGxlLmNvbTpzM2NyZXQ="


def test_multipart_upload_has_a_file_part() -> None:
    request = upload_request('{"version":"2"}', BASIC, boundary="XyZ")
    assert request.method == "POST"
    assert request.url == "https://visualizer.coffee/api/shots/upload"
    headers = request.header_dict
    assert headers["Authorization"] == BASIC_HEADER
    assert headers["Content-Type"] == "multipart/form-data; boundary=XyZ"
    assert request.body == (
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="file"; filename="file.shot"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
        b'{"version":"2"}\r\n'
        b"--XyZ--\r\n"
    )


def test_a_boundary_never_occurs_in_the_content() -> None:
    request = upload_request('{"a":"--XyZ"}', BASIC, boundary="XyZ")
    mark = request.header_dict["Content-Type"].split("boundary=")[1]
    assert mark.startswith("XyZ")
    assert mark != "XyZ"
    assert request.body.count(f"--{mark}".encode()) == 2
    fresh = upload_request("{}", BASIC)
    assert "boundary=kitchenble" in fresh.header_dict["Content-Type"]


def test_json_upload_and_bearer_token() -> None:
    token = VisualizerCredentials(token="abc.def")
    request = upload_request('{"version":"2"}', token, form=BodyForm.JSON, base_url="http://x/api/")
    assert request.url == "http://x/api/shots/upload"
    assert request.header_dict == {
        "Authorization": "Bearer abc.def",
        "Accept": "application/json",
        "Content-Type": "application/json",
    }
    assert request.body == b'{"version":"2"}'
    assert "abc.def" not in repr(token)
    assert "s3cret" not in repr(BASIC)


def test_credentials_check_is_get_me() -> None:
    request = credentials_check_request(BASIC)
    assert (request.method, request.url, request.body) == (
        "GET",
        "https://visualizer.coffee/api/me",
        b"",
    )
    assert request.header_dict["Authorization"] == BASIC_HEADER


@pytest.mark.parametrize(
    ("credentials", "reason"),
    [
        (VisualizerCredentials(), "no email or no password"),
        (VisualizerCredentials("a@b.c"), "no email or no password"),
        (VisualizerCredentials("a:b@c.d", "pw"), "the email holds a colon"),
        (VisualizerCredentials(token="a\r\nX: y"), "the token holds a control character"),
    ],
)
def test_unusable_credentials(credentials: VisualizerCredentials, reason: str) -> None:
    with pytest.raises(RecordError) as err:
        credentials.authorization()
    assert err.value.key == "credentials_invalid"
    assert err.value.placeholders == {"reason": reason}


def test_success_gives_the_id_and_the_page() -> None:
    outcome = interpret_upload(200, b'{"id":"0a1b2c3d-0000-4000-8000-000000000000"}')
    assert outcome.result is UploadResult.UPLOADED
    assert outcome.shot_id == "0a1b2c3d-0000-4000-8000-000000000000"
    assert outcome.url == "https://visualizer.coffee/shots/0a1b2c3d-0000-4000-8000-000000000000"
    assert outcome.final


@pytest.mark.parametrize(
    ("status", "body", "result", "delay"),
    [
        (None, b"", UploadResult.RETRY, 30.0),  # timeout or connection error
        (500, b"oops", UploadResult.RETRY, 30.0),
        (503, b"", UploadResult.RETRY, 30.0),
        (408, b"", UploadResult.RETRY, 30.0),
        (200, b"<html>portal</html>", UploadResult.RETRY, 30.0),
        (200, b'{"id": 5}', UploadResult.RETRY, 30.0),
        (
            429,
            b'{"error":"Too many requests. Please try again later."}',
            UploadResult.SLOW_DOWN,
            600.0,
        ),
        (401, b"", UploadResult.BAD_CREDENTIALS, None),
        (403, b"", UploadResult.BAD_CREDENTIALS, None),
        (422, b'{"error":"Could not save the provided file. Bad"}', UploadResult.REJECTED, None),
        (400, b'{"error":"param is missing"}', UploadResult.REJECTED, None),
        (404, b"", UploadResult.REJECTED, None),
        (302, b"", UploadResult.REJECTED, None),
        (
            422,
            b'{"error":"Could not save the provided file. '
            b"You've reached your daily limit of 50 shots\"}",
            UploadResult.SLOW_DOWN,
            3600.0,
        ),
    ],
)
def test_answers_are_classified(
    status: int | None, body: bytes, result: UploadResult, delay: float | None
) -> None:
    outcome = interpret_upload(status, body)
    assert outcome.result is result
    assert outcome.retry_after == delay
    assert outcome.status == status
    assert outcome.final is (result is UploadResult.REJECTED)


def test_error_messages_are_kept_short() -> None:
    assert interpret_upload(422, b'{"error":"Could not save"}').message == "Could not save"
    assert interpret_upload(500, " x " * 500).message == (" x " * 500).strip()[:300]
    assert interpret_upload(404, b"[1, 2]").message == ""


def test_retry_after_and_backoff() -> None:
    assert [backoff_delay(n) for n in (0, 1, 2, 3, 4, 8, 100)] == [
        30.0,
        30.0,
        60.0,
        120.0,
        240.0,
        3600.0,
        3600.0,
    ]
    assert interpret_upload(None, attempt=3).retry_after == 120.0
    assert interpret_upload(429, retry_after="1200").retry_after == 1200.0
    assert interpret_upload(429, retry_after="999999").retry_after == 86400.0
    assert interpret_upload(429, retry_after="Wed, 21 Oct 2026 07:28:00 GMT").retry_after == 600.0
    assert interpret_upload(429, attempt=7).retry_after == 1920.0


def test_credentials_answers() -> None:
    good = interpret_credentials(200, json.dumps({"id": "u", "name": "Ana", "public": True}))
    assert (good.valid, good.account) == (True, "Ana")
    assert interpret_credentials(200, b"not json").valid is True
    assert interpret_credentials(401).valid is False
    assert interpret_credentials(403).valid is False
    assert interpret_credentials(None).valid is None
    assert interpret_credentials(502).valid is None


@fuzz(300)
@given(
    st.none() | st.integers(0, 999),
    st.binary(max_size=80) | st.text(max_size=80) | st.sampled_from([b'{"id":"', b"[[[[[[[["]),
    st.integers(-5, 200),
    st.none() | st.text(max_size=12),
)
def test_fuzz_any_answer_is_classified(
    status: int | None, body: bytes | str, attempt: int, retry_after: str | None
) -> None:
    outcome = interpret_upload(status, body, attempt=attempt, retry_after=retry_after)
    assert outcome.result in UploadResult
    assert len(outcome.message) <= 300
    if outcome.result in (UploadResult.RETRY, UploadResult.SLOW_DOWN):
        assert outcome.retry_after is not None
        assert 0 < outcome.retry_after <= 86400
    interpret_credentials(status, body)


def test_a_deeply_nested_body_is_no_crash() -> None:
    assert interpret_upload(200, "[" * 100_000).result is UploadResult.RETRY


@fuzz(200)
@given(st.text(max_size=20), st.text(max_size=20), st.text(max_size=20))
def test_fuzz_credentials_give_a_header_or_a_record_error(
    username: str, password: str, token: str
) -> None:
    credentials = VisualizerCredentials(username, password, token)
    error: RecordError | None = None
    try:
        header = credentials.authorization()
    except RecordError as err:
        error = err
    if error is not None:
        assert error.key == "credentials_invalid"
    else:
        assert header.isprintable()
        assert header.startswith("Bearer " if token else "Basic ")
