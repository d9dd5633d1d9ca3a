"""A shot in words: the logbook line and the sentence a voice assistant says.

Logbook: "Espresso: 36.2 g in 28 s from 18.0 g (1:2.0), Blooming". The weight
in the cup when a scale took part, else the volume the machine poured; the
dose and ratio when a dose is known; the profile when there is one; steam and
flush tell their time only. Voice: "36.2 grams in 28 seconds from 18 grams,
1 to 2.0": units spelled out, the dose without a needless ".0"; and how many espressos
a day brought ("3 espressos today").
"""

from __future__ import annotations

from typing import Final

from .model import ShotKind
from .summary import ShotSummary

_KIND_NAMES: Final = {
    ShotKind.ESPRESSO: "Espresso",
    ShotKind.HOT_WATER: "Hot water",
    ShotKind.STEAM: "Steam",
    ShotKind.FLUSH: "Flush",
}


def _seconds(summary: ShotSummary) -> int:
    return round(summary.duration)


def logbook_text(summary: ShotSummary) -> str:
    name = _KIND_NAMES[summary.kind]
    seconds = _seconds(summary)
    if summary.kind in (ShotKind.STEAM, ShotKind.FLUSH):
        text = f"{name}: {seconds} s"
    else:
        if summary.yield_weight is not None:
            text = f"{name}: {summary.yield_weight:.1f} g in {seconds} s"
        else:
            text = f"{name}: {summary.volume:.0f} mL in {seconds} s"
        if summary.dose is not None and summary.kind is ShotKind.ESPRESSO:
            text += f" from {summary.dose:.1f} g"
            if summary.ratio is not None:
                text += f" (1:{summary.ratio:.1f})"
    if summary.profile and summary.kind is ShotKind.ESPRESSO:
        text += f", {summary.profile}"
    if summary.status == "incomplete":
        text += " (incomplete)"
    return text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _grams(value: float, *, whole_ok: bool) -> str:
    rounded = round(value, 1)
    number = f"{rounded:g}" if whole_ok else f"{rounded:.1f}"
    return f"{number} gram" if number == "1" else f"{number} grams"


def voice_text(summary: ShotSummary) -> str:
    seconds = _plural(_seconds(summary), "second")
    if summary.kind is ShotKind.STEAM:
        return f"{seconds} of steam"
    if summary.kind is ShotKind.FLUSH:
        return f"a flush of {seconds}"
    if summary.yield_weight is not None:
        amount = _grams(summary.yield_weight, whole_ok=False)
    else:
        amount = _plural(round(summary.volume), "millilitre")
    if summary.kind is ShotKind.HOT_WATER:
        return f"{amount} of hot water in {seconds}"
    text = f"{amount} in {seconds}"
    if summary.dose is not None:
        text += f" from {_grams(summary.dose, whole_ok=True)}"
        if summary.ratio is not None:
            text += f", 1 to {summary.ratio:.1f}"
    return text


def espressos_today_text(count: int) -> str:
    """What Assist says of a day's espressos: "no espressos", "1 espresso", "3 espressos"."""
    if count == 0:
        return "no espressos today"
    return f"{_plural(count, 'espresso')} today"
