"""Rule A9: a site is found again by its normalised address (registry/admission/site_identity)."""

from __future__ import annotations

import pytest

from registry.admission.site_identity import address_key

BASE = address_key("Hauptstraße 5", "10115", "Berlin")


@pytest.mark.parametrize(
    ("street", "postal_code", "place"),
    [
        ("Hauptstraße 5", "10115", "Berlin"),
        ("Hauptstr. 5", "10115", "Berlin"),
        ("Hauptstr 5", "10115", "Berlin"),
        ("HAUPTSTRASSE 5", "10115", "BERLIN"),
        ("hauptstrasse 5", " 10115 ", " berlin "),
        ("Haupt-Straße 5", "10115", "Berlin"),
        ("Haupt Str. 5", "10115", "Berlin"),
        ("  Hauptstraße   5 ", "10115", "Berlin"),
        ("Hauptstraße 5.", "10115", "Berlin,"),
        ("HAUPTSTRAẞE 5", "10115", "Berlin"),
    ],
)
def test_spellings_of_one_address_share_a_key(street: str, postal_code: str, place: str) -> None:
    assert address_key(street, postal_code, place) == BASE


def test_umlauts_and_their_spelled_out_form_are_equal() -> None:
    assert address_key("Mühlenweg 1", "23552", "Lübeck") == address_key(
        "Muehlenweg 1", "23552", "LUEBECK"
    )
    assert address_key("Schloßallee 2", "50667", "Köln") == address_key(
        "Schlossallee 2", "50667", "Koeln"
    )


@pytest.mark.parametrize(
    ("street", "postal_code", "place"),
    [
        ("Hauptstraße 6", "10115", "Berlin"),
        ("Hauptstraße 5", "10117", "Berlin"),
        ("Hauptstraße 5", "10115", "Potsdam"),
        ("Nebenstraße 5", "10115", "Berlin"),
        ("Hauptweg 5", "10115", "Berlin"),
    ],
)
def test_different_addresses_differ(street: str, postal_code: str, place: str) -> None:
    assert address_key(street, postal_code, place) != BASE


def test_words_starting_with_str_are_not_streets() -> None:
    assert address_key("Strandweg 1", "18055", "Rostock") != address_key(
        "Straßeandweg 1", "18055", "Rostock"
    )
    assert address_key("Strausberger Platz 1", "10243", "Berlin").startswith("strausberger")


def test_parts_do_not_run_into_each_other() -> None:
    assert address_key("A 1", "10115", "Berlin") != address_key("A", "110115", "Berlin")


def test_key_is_pure_and_total() -> None:
    assert address_key("", "", "") == address_key("", "", "")
    assert address_key("Hauptstraße 5", "10115", "Berlin") == BASE
