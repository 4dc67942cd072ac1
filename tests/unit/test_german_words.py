"""German number agreement and codes in stored texts turned into labels (issue 17, item 2)."""

from __future__ import annotations

from portal import labels


def test_count_agrees_with_its_number() -> None:
    assert labels.count(1, "passender Standort", "passende Standorte") == "1 passender Standort"
    assert labels.count(0, "passender Standort", "passende Standorte") == "0 passende Standorte"
    assert labels.count(3, "Kreis", "Kreise") == "3 Kreise"
    assert labels.count(1, "Kreis", "Kreise") == "1 Kreis"


def test_days_and_days_ago() -> None:
    assert [labels.days(n) for n in (0, 1, 2)] == ["0 Tage", "1 Tag", "2 Tage"]
    # after "vor" German needs the dative plural; nothing ago is today
    assert [labels.days_ago(n) for n in (0, 1, 2, None)] == [
        "heute",
        "vor 1 Tag",
        "vor 2 Tagen",
        "heute",
    ]


def test_plain_names_carriers_and_target_groups() -> None:
    text = (
        "drv-nordbayern hat »Brücke e.V.« zugelassen – Standort »Forst«: addiction, "
        "language-barrier. Nur die Übersicht für drv-nord."
    )
    assert labels.plain(text) == (
        "DRV Nordbayern hat »Brücke e.V.« zugelassen – Standort »Forst«: "
        "Abhängigkeitserkrankungen, Sprachbarrieren. Nur die Übersicht für DRV Nord."
    )


def test_plain_leaves_addresses_and_longer_words_alone() -> None:
    text = "Post an info@drv-nord.de oder www.drv-nord.de; addiction-care, outreaching"
    assert labels.plain(text) == text
    assert labels.plain(None) == ""
