"""Tcl list splitting, as ``array set`` reads a de1app profile (profiles fact sheet §1.1).

A word is braced (``{…}``: taken literally, braces nest, a backslash hides the
next character from the count), quoted (``"…"``) or bare; quoted and bare words
get Tcl's backslash substitutions. Nothing is evaluated: there is no Tcl
interpreter here, and ``[…]`` or ``$…`` are plain characters.
"""

from __future__ import annotations

from typing import Final

from .errors import TclParseError

_SPACE: Final = frozenset(" \t\n\r\v\f")
_SIMPLE_ESCAPES: Final = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}
_HEX_DIGITS: Final = {"x": 2, "u": 4, "U": 8}  # at most this many digits (Tcl 8.6)
_MAX_CODE_POINT: Final = 0x10FFFF


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _backslash(text: str, index: int) -> tuple[str, int]:
    """Substitute the backslash sequence at ``text[index] == "\\"``: (result, next index)."""
    index += 1
    if index == len(text):
        return "\\", index  # a lone trailing backslash stands for itself
    char = text[index]
    if char in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[char], index + 1
    if char == "\n":  # backslash-newline and the blanks after it: one space
        index += 1
        while index < len(text) and text[index] in " \t":
            index += 1
        return " ", index
    if char in "01234567":
        return _octal(text, index)
    if char in _HEX_DIGITS:
        return _hexadecimal(text, index + 1, _HEX_DIGITS[char], char)
    return char, index + 1


def _octal(text: str, index: int) -> tuple[str, int]:
    value = 0
    end = index
    while end < len(text) and end - index < 3 and text[end] in "01234567":
        candidate = value * 8 + int(text[end])
        if candidate > 0o377:
            break
        value = candidate
        end += 1
    return chr(value), end


def _hexadecimal(text: str, index: int, most: int, letter: str) -> tuple[str, int]:
    value = 0
    end = index
    while end < len(text) and end - index < most and text[end] in "0123456789abcdefABCDEF":
        candidate = value * 16 + int(text[end], 16)
        if candidate > _MAX_CODE_POINT:
            break
        value = candidate
        end += 1
    if end == index:  # no digits: the letter stands for itself
        return letter, index
    return chr(value), end


def _braced(text: str, start: int) -> tuple[str, int]:
    """The word after the ``{`` at ``start``, literally, and the index after its ``}``."""
    depth = 1
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : index], index + 1
        index += 1
    raise TclParseError(_line_of(text, start), "unmatched open brace")


def _quoted(text: str, start: int) -> tuple[str, int]:
    """The word after the ``"`` at ``start``, substituted, and the index after its ``"``."""
    parts: list[str] = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == '"':
            return "".join(parts), index + 1
        if char == "\\":
            part, index = _backslash(text, index)
            parts.append(part)
        else:
            parts.append(char)
            index += 1
    raise TclParseError(_line_of(text, start), "unmatched open quote")


def _bare(text: str, start: int) -> tuple[str, int]:
    parts: list[str] = []
    index = start
    while index < len(text) and text[index] not in _SPACE:
        if text[index] == "\\":
            part, index = _backslash(text, index)
            parts.append(part)
        else:
            parts.append(text[index])
            index += 1
    return "".join(parts), index


def split_list(text: str) -> list[str]:
    """The words of a Tcl list, as ``lindex`` would give them."""
    words: list[str] = []
    index = 0
    while True:
        while index < len(text) and text[index] in _SPACE:
            index += 1
        if index == len(text):
            return words
        char = text[index]
        if char in '{"':
            word, end = _braced(text, index) if char == "{" else _quoted(text, index)
            if end < len(text) and text[end] not in _SPACE:
                kind = "braces" if char == "{" else "quotes"
                raise TclParseError(
                    _line_of(text, end),
                    f"list element in {kind} followed by {text[end]!r} instead of space",
                )
        else:
            word, end = _bare(text, index)
        words.append(word)
        index = end


def split_dict(text: str) -> dict[str, str]:
    """A Tcl key/value list as ``array set`` reads it: the last of repeated keys wins."""
    words = split_list(text)
    if len(words) % 2:
        raise TclParseError(
            _line_of(text, len(text)), f"{len(words)} words: a key/value list needs pairs"
        )
    return dict(zip(words[::2], words[1::2], strict=True))
