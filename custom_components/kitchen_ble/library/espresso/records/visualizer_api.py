"""Visualizer's upload API as data: the requests to send and what each answer means.

No networking here: the Home Assistant layer sends ``HttpRequest`` with its
own session and hands the status and body back to ``interpret_upload``
(profiles fact sheet §4). The upload is ``POST /api/shots/upload`` with HTTP
Basic authentication (account email and password) or an OAuth bearer token,
as a multipart part named ``file`` (the form de1app uses) or as a JSON body.
Credentials are checked with ``GET /api/me``, the one endpoint that answers
401 to bad ones (``/api/shots`` falls back to the public feed, §4.3).

Answers: 200 ``{"id": …}`` is uploaded. Transport errors, timeouts, 408 and
5xx are worth retrying with a growing delay, which is safe because Visualizer
deduplicates a re-upload of the same series (§3.4). 429 asks to slow down.
401 and 403 mean the credentials (or the token's scope) need fixing. 400, 422
and the rest are final, except 422's daily limit for non-premium accounts,
which is over in a day at most: that one slows down too.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from .errors import RecordError

BASE_URL: Final = "https://visualizer.coffee/api"
SHOT_PAGE: Final = "https://visualizer.coffee/shots/{id}"
UPLOAD_FILENAME: Final = "file.shot"  # ignored by Visualizer; de1app's name (§4.2)
BACKOFF_BASE: Final = 30.0  # s before the first retry
BACKOFF_CAP: Final = 3600.0
SLOW_DOWN_MIN: Final = 600.0  # s; the rate limits count over 1 and 10 minutes (§4.1)
DAILY_LIMIT_DELAY: Final = 3600.0  # s; the 50-a-day count slides, so try hourly
MAX_MESSAGE: Final = 300
DISPOSITION: Final = (
    f'Content-Disposition: form-data; name="file"; filename="{UPLOAD_FILENAME}"\r\n'
)


class BodyForm(StrEnum):
    MULTIPART = "multipart"  # part "file", as de1app sends it
    JSON = "json"  # the shot as the raw JSON body


@dataclass(frozen=True, slots=True)
class VisualizerCredentials:
    """Email and password (HTTP Basic), or an OAuth access token; secrets stay out of repr."""

    username: str = ""
    password: str = field(default="", repr=False)
    token: str = field(default="", repr=False)

    def authorization(self) -> str:
        """The ``Authorization`` header value."""
        if self.token:
            if not self.token.isprintable():  # a header cannot carry a line break or a NUL
                reason = "the token holds a control character"
                raise RecordError("credentials_invalid", {"reason": reason})
            return f"Bearer {self.token}"
        if not self.username or not self.password:
            raise RecordError("credentials_invalid", {"reason": "no email or no password"})
        if ":" in self.username:  # RFC 7617: the user id cannot hold a colon
            raise RecordError("credentials_invalid", {"reason": "the email holds a colon"})
        pair = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""

    @property
    def header_dict(self) -> dict[str, str]:
        return dict(self.headers)


def upload_request(
    shot_json: str,
    credentials: VisualizerCredentials,
    *,
    form: BodyForm = BodyForm.MULTIPART,
    base_url: str = BASE_URL,
    boundary: str | None = None,
) -> HttpRequest:
    """``POST /api/shots/upload`` carrying ``shot_json`` (text starting with ``{``)."""
    content = shot_json.encode("utf-8")
    headers = [("Authorization", credentials.authorization()), ("Accept", "application/json")]
    if form is BodyForm.JSON:
        headers.append(("Content-Type", "application/json"))
        body = content
    else:
        mark = boundary or f"kitchenble{uuid.uuid4().hex}"
        while f"--{mark}".encode() in content:  # a boundary must not occur in the part
            mark += uuid.uuid4().hex[:8]
        body = b"".join(
            (
                f"--{mark}\r\n".encode(),
                DISPOSITION.encode(),
                b"Content-Type: application/octet-stream\r\n\r\n",
                content,
                f"\r\n--{mark}--\r\n".encode(),
            )
        )
        headers.append(("Content-Type", f"multipart/form-data; boundary={mark}"))
    return HttpRequest("POST", f"{base_url.rstrip('/')}/shots/upload", tuple(headers), body)


def credentials_check_request(
    credentials: VisualizerCredentials, *, base_url: str = BASE_URL
) -> HttpRequest:
    """``GET /api/me``: 200 with the account for good credentials, 401 for bad ones."""
    headers = (("Authorization", credentials.authorization()), ("Accept", "application/json"))
    return HttpRequest("GET", f"{base_url.rstrip('/')}/me", headers)


class UploadResult(StrEnum):
    UPLOADED = "uploaded"
    RETRY = "retry"  # transient: try again after ``retry_after``
    SLOW_DOWN = "slow_down"  # rate or daily limit: try again, later
    BAD_CREDENTIALS = "bad_credentials"  # stop uploading until the user fixes them
    REJECTED = "rejected"  # this shot will never be accepted as it is


@dataclass(frozen=True, slots=True)
class UploadOutcome:
    result: UploadResult
    status: int | None  # None: no answer (timeout, connection error)
    shot_id: str | None = None
    url: str | None = None
    message: str = ""
    retry_after: float | None = None  # s

    @property
    def final(self) -> bool:
        """No retry of this shot will help (credentials may still be fixed)."""
        return self.result in (UploadResult.UPLOADED, UploadResult.REJECTED)


def backoff_delay(attempt: int, *, base: float = BACKOFF_BASE, cap: float = BACKOFF_CAP) -> float:
    """Seconds before retry number ``attempt`` (1-based): 30, 60, 120 … up to an hour."""
    exponent = min(max(attempt, 1) - 1, 30)
    return min(cap, base * 2.0**exponent)


def _decoded(body: bytes | str) -> object:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def _message(body: bytes | str) -> str:
    data = _decoded(body)
    error = data.get("error") if isinstance(data, Mapping) else None
    if isinstance(error, str):
        text = error
    elif isinstance(data, str):
        text = data.strip()
    else:
        text = ""
    return text[:MAX_MESSAGE]


def _retry_after(value: str | None) -> float | None:
    """A Retry-After header in seconds (the HTTP-date form is left to the default)."""
    if value is None or not value.strip().isdigit():
        return None
    return min(float(value.strip()), 86400.0)


def interpret_upload(
    status: int | None,
    body: bytes | str = b"",
    *,
    attempt: int = 1,
    retry_after: str | None = None,
) -> UploadOutcome:
    """What the answer to upload number ``attempt`` of a shot means (None: no answer)."""
    if status is None or status == 408 or 500 <= status <= 599:
        return UploadOutcome(
            UploadResult.RETRY, status, message=_message(body), retry_after=backoff_delay(attempt)
        )
    if 200 <= status <= 299:
        data = _decoded(body)
        shot_id = data.get("id") if isinstance(data, Mapping) else None
        if isinstance(shot_id, str) and 0 < len(shot_id) <= 64 and shot_id.isprintable():
            return UploadOutcome(
                UploadResult.UPLOADED, status, shot_id, SHOT_PAGE.format(id=shot_id)
            )
        # an answer without an id (a proxy's page?): the re-upload is deduplicated
        return UploadOutcome(
            UploadResult.RETRY, status, message="no shot id", retry_after=backoff_delay(attempt)
        )
    message = _message(body)
    if status == 429:
        wait = max(SLOW_DOWN_MIN, backoff_delay(attempt), _retry_after(retry_after) or 0.0)
        return UploadOutcome(UploadResult.SLOW_DOWN, status, message=message, retry_after=wait)
    if status == 422 and "daily limit" in message.lower():
        return UploadOutcome(
            UploadResult.SLOW_DOWN, status, message=message, retry_after=DAILY_LIMIT_DELAY
        )
    if status in (401, 403):
        return UploadOutcome(UploadResult.BAD_CREDENTIALS, status, message=message)
    return UploadOutcome(UploadResult.REJECTED, status, message=message)


@dataclass(frozen=True, slots=True)
class CredentialsCheck:
    valid: bool | None  # None: no verdict (no answer, server error): ask again later
    account: str | None = None  # the account's name, when Visualizer gave it


def interpret_credentials(status: int | None, body: bytes | str = b"") -> CredentialsCheck:
    """What the answer to ``GET /api/me`` says about the credentials."""
    if status in (401, 403):
        return CredentialsCheck(False)
    if status is not None and 200 <= status <= 299:
        data = _decoded(body)
        name = data.get("name") if isinstance(data, Mapping) else None
        return CredentialsCheck(True, name[:MAX_MESSAGE] if isinstance(name, str) else None)
    return CredentialsCheck(None)
