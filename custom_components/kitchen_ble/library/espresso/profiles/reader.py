"""Read a profile from whatever a user pastes or uploads: JSON v2 / v2.1 or de1app Tcl.

Text whose first character is ``{`` or ``[`` is JSON (a de1app Tcl file starts
with a bare key). JSON with ``steps`` is v2; JSON without them but with
``advanced_shot`` or ``profile_title`` is the flat dump of Tcl keys Visualizer
returns for old shots (profiles fact sheet §2.4).
"""

from __future__ import annotations

from .errors import ProfileError
from .json_v2 import load_json_object, profile_from_json
from .legacy import profile_from_legacy, read_tcl_profile
from .model import Profile


def read_profile(text: str | bytes) -> Profile:
    """A profile from JSON or Tcl text; ``ProfileError`` says what is wrong and where."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ProfileError("not_a_profile", {"reason": "the file is not UTF-8 text"}) from None
    text = text.removeprefix("\ufeff")
    start = text.lstrip()[:1]
    if not start:
        raise ProfileError("not_a_profile", {"reason": "the text is empty"})
    if start not in "{[":
        return read_tcl_profile(text)
    data = load_json_object(text)
    if "steps" in data:
        return profile_from_json(data)
    if "advanced_shot" in data or "profile_title" in data:
        return profile_from_legacy(data)
    raise ProfileError(
        "not_a_profile",
        {"reason": "the JSON has neither steps (JSON v2) nor de1app profile keys"},
    )
