"""ProgramLibrary: create, update, delete, list, get; a bad request changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from custom_components.kitchen_ble.library.brewing.program import (
    MAX_PROGRAMS,
    Program,
    ProgramError,
    ProgramLibrary,
    Step,
)

T0 = 1_700_000_000.0
DAY = 86400.0


def data(name: str = "Mash", **overrides: Any) -> dict[str, Any]:
    return {
        "name": name,
        "source": "kettle:1",
        "steps": [{"target": 65, "hold": 3600}, {"target": 76, "hold": 600}],
    } | overrides


def key_of(call: Any) -> str:
    with pytest.raises(ProgramError) as info:
        call()
    return info.value.key


def test_create_makes_an_id_from_the_name() -> None:
    library = ProgramLibrary()
    mash = library.create(data("Märzen mash"), T0)
    assert mash.id == "marzen_mash"
    second = library.create(data("Märzen: mash"), T0)  # another name, the same slug
    assert second.id == "marzen_mash_2"
    assert library.create(data("Märzen mash!!"), T0).id == "marzen_mash_3"
    assert library.get("marzen_mash") is mash
    assert "marzen_mash_2" in library
    assert len(library) == 3


def test_new_id_stays_within_the_length_limit() -> None:
    library = ProgramLibrary()
    long_name = "x" * 64
    first = library.create(data(long_name[:60] + " one"), T0)
    assert first.id == "x" * 60 + "_one"
    library.create(data("y" * 64), T0)
    assert library.new_id("y" * 64) == "y" * 62 + "_2"


def test_create_with_an_explicit_id_or_a_program() -> None:
    library = ProgramLibrary()
    assert library.create(data(id="my_mash"), T0).id == "my_mash"
    ale = Program("ale", "Ale", "fridge:1", (Step(18.0, hold=DAY),))
    assert library.create(ale, T0) is ale


def test_list_is_by_name() -> None:
    library = ProgramLibrary()
    for name in ("lager", "Ale", "bock"):
        library.create(data(name), T0)
    assert [program.name for program in library.list_programs()] == ["Ale", "bock", "lager"]


@pytest.mark.parametrize(
    ("request_data", "key"),
    [
        (data("mash"), "duplicate_program"),  # names are unique regardless of case
        (data("  MASH "), "duplicate_program"),
        (data("Other", id="mash"), "duplicate_program"),
        (data("Other", steps=[{"target": 65}]), "step_needs_hold_or_until"),
        (data("Other", steps=[{"target": 2, "until": T0}]), "until_in_the_past"),
        (data() | {"name": 5}, "invalid_value"),
        ({"source": "kettle:1", "steps": []}, "no_steps"),
    ],
)
def test_bad_create_changes_nothing(request_data: dict[str, Any], key: str) -> None:
    library = ProgramLibrary()
    library.create(data("Mash"), T0)
    before = library.to_dict()
    assert key_of(lambda: library.create(request_data, T0)) == key
    assert library.to_dict() == before


def test_too_many_programs() -> None:
    library = ProgramLibrary()
    for number in range(MAX_PROGRAMS):
        library.create(data(f"Mash {number}"), T0)
    assert key_of(lambda: library.create(data("One more"), T0)) == "too_many_programs"


def test_update_replaces_the_program_and_keeps_its_id() -> None:
    library = ProgramLibrary()
    library.create(data("Mash"), T0)
    library.create(data("Ale"), T0)
    changed = library.update(
        "mash", data("Step mash", steps=[{"target": 52, "hold": 900}], id="ignored"), T0
    )
    assert changed.id == "mash"
    assert library.get("mash") == changed
    assert changed.steps == (Step(52.0, hold=900.0),)
    # renaming to its own name in another case is fine: only other programs count
    assert library.update("mash", data("STEP MASH"), T0).name == "STEP MASH"
    same = Program("ale", "Ale", "kettle:2", (Step(20.0, hold=60.0),))
    assert library.update("ale", same, T0) is same


@pytest.mark.parametrize(
    ("program_id", "request_data", "key"),
    [
        ("lager", data("Lager"), "unknown_program"),
        ("mash", data("Ale"), "duplicate_program"),
        (
            "mash",
            data("Mash", steps=[{"target": 65, "hold": 60, "ramp": -1}]),
            "step_ramp_not_positive",
        ),
        ("mash", data("Mash", steps=[{"target": 450, "hold": 60}]), "step_target_out_of_range"),
        ("mash", data("Mash", steps=[{"target": 2, "until": T0 - 1}]), "until_in_the_past"),
        ("mash", data("Mash", tolerance=-1), "tolerance_out_of_range"),
        ("mash", Program("ale", "Mash", "kettle:1", (Step(20.0, hold=1.0),)), "program_id_invalid"),
    ],
)
def test_bad_update_changes_nothing(program_id: str, request_data: Any, key: str) -> None:
    library = ProgramLibrary()
    library.create(data("Mash"), T0)
    library.create(data("Ale"), T0)
    before = library.to_dict()
    assert key_of(lambda: library.update(program_id, request_data, T0)) == key
    assert library.to_dict() == before


def test_delete_and_get() -> None:
    library = ProgramLibrary()
    mash = library.create(data("Mash"), T0)
    assert library.delete("mash") is mash
    assert len(library) == 0
    assert key_of(lambda: library.delete("mash")) == "unknown_program"
    with pytest.raises(ProgramError) as info:
        library.get("mash")
    assert info.value.placeholders == {"program": "mash"}


def test_round_trip_keeps_programs_whose_until_has_passed() -> None:
    library = ProgramLibrary()
    library.create(data("Mash"), T0)
    library.create(data("Ale", steps=[{"target": 2, "until": T0 + DAY}]), T0)
    stored = json.loads(json.dumps(library.to_dict()))
    restored = ProgramLibrary.from_dict(stored)  # a day later: not an error when loading
    assert restored.to_dict() == library.to_dict()
    assert restored.get("ale").steps[0].until == T0 + DAY


@pytest.mark.parametrize(
    ("stored", "key"),
    [
        (None, "invalid_value"),
        ({"programs": {}}, "invalid_value"),
        ({"programs": [data(id="mash"), data("Other", id="mash")]}, "duplicate_program"),
        ({"programs": [data(id="a"), data(id="b")]}, "duplicate_program"),
        ({"programs": [data(id="a", steps=[])]}, "no_steps"),
    ],
)
def test_from_dict_rejects_bad_data(stored: object, key: str) -> None:
    with pytest.raises(ValueError, match=key):
        ProgramLibrary.from_dict(stored)


def test_from_dict_of_nothing_is_empty() -> None:
    assert len(ProgramLibrary.from_dict({})) == 0
