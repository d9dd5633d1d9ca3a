"""Profiles as the machine holds them, and the frame sequencer of a shot (de1.md §8).

The machine keeps frames in slots that each FrameWrite overwrites at once, so
an upload cut short leaves new frames 0…k beside older ones (a mix). A
profile counts as complete once a tail arrives after every frame the last
header announced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from .const import EXT_FRAME_BASE, HEADER_VERSION, MAX_FRAMES


class ProfileError(ValueError):
    """A profile write the machine refuses."""


@dataclass(frozen=True, slots=True)
class Exit:
    """A frame's early exit: compare flow or pressure, over or under ``value``."""

    on_flow: bool
    over: bool
    value: float

    def met(self, pressure: float, flow: float) -> bool:
        """Whether the measured pressure (bar) or flow (mL/s) ends the frame."""
        measured = flow if self.on_flow else pressure
        return measured > self.value if self.over else measured < self.value


@dataclass(frozen=True, slots=True)
class Frame:
    """One profile frame, in the machine's terms."""

    flow_control: bool  # goal is a flow (mL/s), else a pressure (bar)
    goal: float
    temperature: float  # °C
    seconds: float
    smooth: bool = False  # ramp to the goal over the frame (Interpolate)
    mix_sensor: bool = False  # temperature targets the mix water, not the basket
    exit: Exit | None = None
    max_volume: float = 0.0  # mL pumped in this frame; 0 = no limit
    ignore_limit: bool = True  # ignore the header's MinimumPressure / MaximumFlow

    @property
    def ends_shot(self) -> bool:
        """Flag 0 with a goal of 0 marks the end of the shot (firmware comment, §8.2)."""
        return not (
            self.flow_control
            or self.exit is not None
            or self.mix_sensor
            or self.smooth
            or self.ignore_limit
            or self.goal
        )


END_OF_SHOT: Final = Frame(
    flow_control=False, goal=0.0, temperature=0.0, seconds=0.0, ignore_limit=False
)


@dataclass(frozen=True, slots=True)
class Limiter:
    """An extension frame: a flow limit on a pressure frame, or the reverse."""

    value: float
    range: float


@dataclass(frozen=True, slots=True)
class Header:
    """HeaderWrite (§8.1)."""

    version: int = HEADER_VERSION
    frames: int = 1
    preinfuse_frames: int = 0
    min_pressure: float = 0.0
    max_flow: float = 6.0


@dataclass(frozen=True, slots=True)
class Tail:
    """The tail frame: the whole shot's volume limit (0 = none)."""

    max_total_volume: float = 0.0
    count_preinfusion: bool = False


@dataclass(frozen=True, slots=True)
class Profile:
    """What a shot runs: header, frames, limiters by frame index, tail."""

    header: Header
    frames: tuple[Frame, ...]
    limiters: dict[int, Limiter] = field(default_factory=dict)
    tail: Tail = Tail()


# The one built-in profile: a flow pre-infusion until 4 bar, then 9 bar flat.
DEFAULT_PROFILE: Final = Profile(
    header=Header(frames=2, preinfuse_frames=1, max_flow=6.0),
    frames=(
        Frame(
            flow_control=True,
            goal=4.0,
            temperature=93.0,
            seconds=20.0,
            mix_sensor=True,
            exit=Exit(on_flow=False, over=True, value=4.0),
        ),
        Frame(flow_control=False, goal=9.0, temperature=93.0, seconds=30.0),
    ),
)


class ProfileStore:
    """The machine's profile memory: header, frame slots, limiters, tail."""

    def __init__(self, profile: Profile = DEFAULT_PROFILE) -> None:
        self.header = profile.header
        self.slots: list[Frame] = [END_OF_SHOT] * MAX_FRAMES
        self.slots[: len(profile.frames)] = profile.frames
        self.limiters = dict(profile.limiters)
        self.tail = profile.tail
        self.complete = True
        self._missing: set[int] = set()  # frames the last header announced, not yet written

    def write_header(self, header: Header) -> None:
        """A new header starts an upload."""
        if header.version != HEADER_VERSION:
            raise ProfileError(f"header version {header.version}")
        if not 1 <= header.frames <= MAX_FRAMES or header.preinfuse_frames > header.frames:
            raise ProfileError(f"{header.frames} frames, {header.preinfuse_frames} preinfusing")
        self.header = header
        self._missing = set(range(header.frames))
        self.complete = False

    def write(self, index: int) -> str:
        """What a FrameWrite to ``index`` is: "frame", "limiter" or "tail"."""
        if index == self.header.frames:
            return "tail"
        if index < MAX_FRAMES:
            return "frame"
        if EXT_FRAME_BASE <= index < EXT_FRAME_BASE + MAX_FRAMES:
            return "limiter"
        raise ProfileError(f"no frame {index}")

    def write_frame(self, index: int, frame: Frame) -> None:
        """Overwrite a slot at once; its old limiter goes (a new one follows if any)."""
        self.slots[index] = frame
        self.limiters.pop(index, None)
        self._missing.discard(index)
        self.complete = False

    def write_limiter(self, index: int, limiter: Limiter) -> None:
        """An extension frame for frame ``index``."""
        self.limiters[index] = limiter

    def write_tail(self, tail: Tail) -> None:
        """The tail ends an upload; complete when every announced frame came."""
        self.tail = tail
        self.complete = not self._missing

    @property
    def profile(self) -> Profile:
        """What the machine holds now (the frames the header counts)."""
        frames = tuple(self.slots[: self.header.frames])
        limiters = {i: v for i, v in self.limiters.items() if i < self.header.frames}
        return Profile(self.header, frames, limiters, self.tail)


@dataclass(frozen=True, slots=True)
class Targets:
    """What the pump and heaters aim at right now."""

    flow_control: bool
    goal: float
    temperature: float
    mix_sensor: bool
    max_flow: float | None  # a flow ceiling for pressure goals
    max_pressure: float | None  # a pressure ceiling for flow goals
    min_pressure: float | None


class ShotRunner:
    """Walks a profile's frames: goals, transitions, exits, volumes."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.index = 0
        self.frame_time = 0.0
        self.frame_volume = 0.0
        self.volume = 0.0  # mL pumped in the whole shot
        self.preinfusion_volume = 0.0
        self.done = not profile.frames or profile.frames[0].ends_shot
        self._start = 0.0

    @property
    def frame(self) -> Frame:
        """The frame running now."""
        return self.profile.frames[self.index]

    @property
    def preinfusing(self) -> bool:
        """Frames before NumberOfPreinfuseFrames are pre-infusion."""
        return self.index < self.profile.header.preinfuse_frames

    def begin(self, pressure: float, flow: float) -> None:
        """Enter the current frame; a smooth frame ramps from what is measured now."""
        self.frame_time = 0.0
        self.frame_volume = 0.0
        self._start = flow if self.frame.flow_control else pressure

    def targets(self) -> Targets:
        """The goals of the current frame at its current time."""
        frame = self.frame
        goal = frame.goal
        if frame.smooth and frame.seconds > 0:
            share = min(1.0, self.frame_time / frame.seconds)
            goal = self._start + (frame.goal - self._start) * share
        limiter = self.profile.limiters.get(self.index)
        limit = limiter.value if limiter is not None and limiter.value > 0 else None
        header = self.profile.header
        header_flow = None if frame.ignore_limit or header.max_flow <= 0 else header.max_flow
        header_pressure = (
            None if frame.ignore_limit or header.min_pressure <= 0 else header.min_pressure
        )
        if frame.flow_control:
            return Targets(
                True, goal, frame.temperature, frame.mix_sensor, None, limit, header_pressure
            )
        ceiling = min((v for v in (limit, header_flow) if v is not None), default=None)
        return Targets(False, goal, frame.temperature, frame.mix_sensor, ceiling, None, None)

    def advance(self, seconds: float, pumped: float, pressure: float, flow: float) -> None:
        """Count ``pumped`` mL over ``seconds``, then move on if the frame is over."""
        self.frame_time += seconds
        self.frame_volume += pumped
        self.volume += pumped
        if self.preinfusing:
            self.preinfusion_volume += pumped
        frame = self.frame
        tail = self.profile.tail
        counted = self.volume if tail.count_preinfusion else self.volume - self.preinfusion_volume
        if tail.max_total_volume and counted >= tail.max_total_volume:
            self.done = True
        elif (
            self.frame_time >= frame.seconds
            or (frame.exit is not None and frame.exit.met(pressure, flow))
            or (frame.max_volume and self.frame_volume >= frame.max_volume)
        ):
            self.next_frame(pressure, flow)

    def next_frame(self, pressure: float, flow: float) -> None:
        """Go to the next frame (SkipToNext does this too); past the last, the shot ends."""
        if (
            self.index + 1 >= len(self.profile.frames)
            or self.profile.frames[self.index + 1].ends_shot
        ):
            self.done = True
            return
        self.index += 1
        self.begin(pressure, flow)
