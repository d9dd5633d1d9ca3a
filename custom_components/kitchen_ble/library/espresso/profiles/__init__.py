"""DE1 profiles: read JSON v2 / v2.1 and de1app Tcl, write JSON v2.1, encode frames.

What the Home Assistant layer calls: ``read_profile`` (JSON or Tcl text),
``export_json``, ``encode_profile`` (the ordered writes and their fingerprint),
``builtin_profiles``; every failure is a ``ProfileError`` whose ``key`` and
``placeholders`` match ``PROFILE_ERROR_MESSAGES``.
"""

from .builtin import builtin_profiles
from .errors import PROFILE_ERROR_MESSAGES, ProfileError, TclParseError
from .frames import (
    DecodedFrames,
    GattWrite,
    ProfileUpload,
    decode_frames,
    encode_profile,
)
from .json_v2 import export_json, profile_to_json, read_json_profile
from .legacy import read_tcl_profile
from .model import (
    BeverageType,
    ExitCondition,
    ExitType,
    Limiter,
    Profile,
    Pump,
    Sensor,
    Step,
    StepExit,
    Transition,
)
from .reader import read_profile

__all__ = [
    "PROFILE_ERROR_MESSAGES",
    "BeverageType",
    "DecodedFrames",
    "ExitCondition",
    "ExitType",
    "GattWrite",
    "Limiter",
    "Profile",
    "ProfileError",
    "ProfileUpload",
    "Pump",
    "Sensor",
    "Step",
    "StepExit",
    "TclParseError",
    "Transition",
    "builtin_profiles",
    "decode_frames",
    "encode_profile",
    "export_json",
    "profile_to_json",
    "read_json_profile",
    "read_profile",
    "read_tcl_profile",
]
