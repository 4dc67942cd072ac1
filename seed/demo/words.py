"""Word lists of the demo data generator (the package ``seed.demo``).

Everything here is invented: organisation names are built from generic words and place names,
people from common first and last names. No real person is described.
"""

from __future__ import annotations

# Provider names: (pattern, legal form). ``{city}`` is the headquarters' place, ``{region}`` a
# regional word that fits its state.
PROVIDER_PATTERNS: tuple[tuple[str, str], ...] = (
    ("Caritas Fallmanagement {city}", "gGmbH"),
    ("Caritas-Beratungsdienste {city}", "gGmbH"),
    ("Diakonie {city} – Berufliche Teilhabe", "gGmbH"),
    ("Diakonisches Werk {city}", "e.V."),
    ("Brücke {city}", "e.V."),
    ("Fallmanagement {region}", "gGmbH"),
    ("AWO Beratungsdienste {city}", "gGmbH"),
    ("Paritätische Sozialdienste {city}", "gGmbH"),
    ("Lotsenhaus {city}", "e.V."),
    ("Wegweiser Teilhabe {city}", "GmbH"),
    ("Perspektive Arbeit {region}", "gGmbH"),
    ("Neue Wege {city}", "e.V."),
    ("Kompass Reha-Fallmanagement {city}", "GmbH"),
    ("Netzwerk Rückkehr in Arbeit {region}", "e.V."),
    ("Sozialwerk {city}", "gGmbH"),
    ("Zentrum für berufliche Teilhabe {city}", "gGmbH"),
    ("Anker {city}", "e.V."),
    ("Brückenschlag {region}", "gUG"),
    ("Reha-Lotsen {region}", "GmbH"),
    ("Weitblick Beratung {city}", "GmbH"),
    ("Aufwind Fallmanagement {city}", "gGmbH"),
    ("Stiftung Arbeit und Gesundheit {city}", "Stiftung"),
    ("Rückenwind {region}", "e.V."),
    ("Teilhabe aktiv {city}", "gGmbH"),
)

# A regional word per state (AGS state code), for names like "Fallmanagement Nord".
REGION_WORDS: dict[str, tuple[str, ...]] = {
    "01": ("Nord", "Schleswig-Holstein", "Förde", "Westküste"),
    "02": ("Hamburg", "Nord", "Elbe", "Alster"),
    "03": ("Niedersachsen", "Weser-Ems", "Heide", "Harz", "Leine"),
    "04": ("Bremen", "Weser", "Unterweser"),
    "05": ("Rhein-Ruhr", "Niederrhein", "Westfalen", "Sauerland", "Münsterland", "Rheinland"),
    "06": ("Hessen", "Rhein-Main", "Nordhessen", "Mittelhessen"),
    "07": ("Rheinland-Pfalz", "Pfalz", "Eifel", "Mosel", "Westerwald"),
    "08": ("Baden", "Württemberg", "Bodensee", "Schwarzwald", "Neckar"),
    "09": ("Bayern", "Franken", "Oberbayern", "Schwaben", "Oberpfalz", "Allgäu"),
    "10": ("Saar", "Saarland"),
    "11": ("Berlin", "Spree", "Hauptstadt"),
    "12": ("Brandenburg", "Havelland", "Lausitz", "Uckermark"),
    "13": ("Mecklenburg", "Vorpommern", "Ostsee"),
    "14": ("Sachsen", "Erzgebirge", "Oberlausitz", "Elbland"),
    "15": ("Sachsen-Anhalt", "Harz", "Altmark", "Elbe-Saale"),
    "16": ("Thüringen", "Thüringer Wald", "Saale-Unstrut"),
}

SITE_PREFIXES: tuple[str, ...] = (
    "Beratungsstelle",
    "Standort",
    "Büro",
    "Beratungszentrum",
    "Außenstelle",
)

STREETS: tuple[str, ...] = (
    "Hauptstraße",
    "Bahnhofstraße",
    "Marktplatz",
    "Lindenallee",
    "Am Stadtpark",
    "Kirchweg",
    "Mühlenweg",
    "Rosenstraße",
    "Gartenstraße",
    "Parkstraße",
    "Ringstraße",
    "Schulstraße",
    "Am Rathaus",
    "Wiesenweg",
    "Poststraße",
    "Lange Straße",
    "Birkenweg",
    "Am Hafen",
    "Burgstraße",
    "Neue Straße",
)

FIRST_NAMES: tuple[str, ...] = (
    "Anna",
    "Lena",
    "Julia",
    "Sarah",
    "Laura",
    "Katharina",
    "Miriam",
    "Sabine",
    "Petra",
    "Olga",
    "Ayşe",
    "Fatma",
    "Elif",
    "Natalia",
    "Agnieszka",
    "Irina",
    "Leyla",
    "Jonas",
    "Lukas",
    "Felix",
    "Thomas",
    "Michael",
    "Stefan",
    "Markus",
    "Daniel",
    "Jan",
    "Tobias",
    "Mehmet",
    "Ahmad",
    "Piotr",
    "Sergej",
    "Dmytro",
    "Karim",
)

LAST_NAMES: tuple[str, ...] = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hartmann",
    "Lange",
    "Werner",
    "Yılmaz",
    "Kaya",
    "Demir",
    "Kowalski",
    "Nowak",
    "Iwanow",
    "Petrenko",
    "Haddad",
)

# Languages besides German, weighted by how often counselling is offered in them.
LANGUAGES: tuple[tuple[str, int], ...] = (
    ("tr", 30),
    ("ar", 20),
    ("ru", 20),
    ("uk", 15),
    ("pl", 12),
    ("en", 25),
    ("fa", 8),
    ("ku", 6),
)
SIGN_LANGUAGE = "dgs"  # Deutsche Gebärdensprache

# Target groups that do not depend on a site feature, weighted.
INDICATION_GROUPS: tuple[tuple[str, int], ...] = (
    ("mental-health", 30),
    ("addiction", 22),
    ("oncology", 14),
    ("cardiology", 10),
    ("neurological", 10),
    ("cognitive-impairment", 6),
    ("visual-impairment", 4),
    ("specific-care-structures", 8),
)

COMPETENCE_EVIDENCE: dict[str, tuple[str, ...]] = {
    "language-barrier": (
        "Muttersprachliche Beratung, Zertifikat interkulturelle Kompetenz (2022)",
        "Zehn Jahre Migrationsberatung, Weiterbildung Sprachmittlung",
    ),
    "cognitive-impairment": (
        "Weiterbildung Leichte Sprache, fünf Jahre Werkstattberatung",
        "Zusatzqualifikation Heilpädagogik, Erfahrung in der Eingliederungshilfe",
    ),
    "hearing-impairment": (
        "Gebärdensprachkompetenz (DGS Niveau C1), Beratung Gehörloser seit 2016",
        "Ausbildung Gebärdensprachdolmetschen, sieben Jahre Praxis",
    ),
    "visual-impairment": (
        "Weiterbildung Blinden- und Sehbehindertenberatung, Hilfsmittelkunde",
        "Sechs Jahre Beratung im Blinden- und Sehbehindertenverein",
    ),
    "neurological": (
        "Weiterbildung Neuropsychologie, vier Jahre neurologische Rehabilitation",
        "Praxis in der Nachsorge nach Schlaganfall und Schädel-Hirn-Trauma",
    ),
    "addiction": (
        "Weiterbildung Suchttherapie (VDR-anerkannt), sechs Jahre Suchthilfe",
        "Suchtberatung seit 2015, Motivierende Gesprächsführung",
    ),
    "mental-health": (
        "Weiterbildung Sozialpsychiatrie, acht Jahre im sozialpsychiatrischen Dienst",
        "Psychotherapeutische Zusatzqualifikation, Erfahrung in der Psychosomatik",
    ),
    "oncology": (
        "Weiterbildung Psychoonkologie (DKG), Beratung in der Krebsnachsorge",
        "Fünf Jahre Sozialdienst einer onkologischen Rehabilitationsklinik",
    ),
    "cardiology": (
        "Sozialdienst einer kardiologischen Reha-Klinik, sechs Jahre",
        "Weiterbildung Gesundheitsberatung Herz-Kreislauf",
    ),
    "specific-care-structures": (
        "Langjährige Netzwerkarbeit mit regionalen Versorgungsstrukturen",
        "Koordination eines regionalen Reha-Netzwerks seit 2018",
    ),
    "outreach": (
        "Aufsuchende Sozialarbeit seit 2014, Hausbesuche und Begleitung im Betrieb",
        "Weiterbildung aufsuchende Beratung, fünf Jahre Streetwork",
    ),
}

GROUP_NEEDS: dict[str, str] = {
    "language-barrier": "Beratung in der Muttersprache der Versicherten",
    "cognitive-impairment": "Begleitung in leichter Sprache und kleinschrittige Unterstützung",
    "hearing-impairment": "Beratung in Deutscher Gebärdensprache",
    "visual-impairment": "Beratung mit barrierefreien Unterlagen und Hilfsmittelkenntnis",
    "neurological": "neuropsychologische Kompetenz",
    "addiction": "Erfahrung in der Suchthilfe",
    "mental-health": "sozialpsychiatrische Kompetenz",
    "oncology": "psychoonkologische Kompetenz",
    "cardiology": "Erfahrung in der kardiologischen Rehabilitation",
    "specific-care-structures": "Kenntnis der regionalen Versorgungsstrukturen",
    "outreach": "aufsuchende Beratung und Begleitung",
}

REFUSAL_REASONS: tuple[str, ...] = (
    "Kein Bedarf: Die Zielgruppe ist im Einzugsgebiet durch zugelassene Anbieter ausreichend "
    "versorgt.",
    "Der Träger hält die Expertise für diese Zielgruppe in der Region selbst vor.",
    "Die eingereichten Nachweise belegen die besondere Fachkompetenz nicht ausreichend.",
)

OVERRIDE_REASONS: dict[str, str] = {
    "Q1": "Die fehlenden Konzeptabschnitte wurden im Zulassungsgespräch erläutert und sind "
    "schriftlich zugesagt; Nachreichung binnen vier Wochen vereinbart.",
    "Q2": "Eine zweite qualifizierte Fallmanagerin ist zum nächsten Quartal eingestellt; die "
    "Vertretung ist bis dahin mit dem Träger abgestimmt.",
    "Q3": "Die Qualifikation wurde im Einzelfall geprüft und als gleichwertig anerkannt.",
    "Q5": "Die Räume werden bis zum Beginn der Beratung hergerichtet; Besichtigung vereinbart.",
    "Q6": "Der Nachweis liegt inzwischen vor und wurde zur Akte genommen.",
    "Q8": "Die Fachkompetenz wurde im Zulassungsgespräch nachgewiesen.",
}

SUSPENSION_REASONS: tuple[str, ...] = (
    "Personalausfall am Standort: derzeit keine Vertretung durch eine qualifizierte "
    "Fallmanager*in.",
    "Mehrere Beschwerden von Versicherten; Qualitätsgespräch mit dem Anbieter vereinbart.",
    "Die Räume des Standorts stehen wegen Umbaus vorübergehend nicht zur Verfügung.",
)
RESUME_REASONS: tuple[str, ...] = (
    "Vertretung wieder gesichert; Nachweise liegen vor.",
    "Qualitätsgespräch geführt, Maßnahmen umgesetzt.",
)
REVOCATION_REASONS: tuple[str, ...] = (
    "Der Anbieter hat das Fallmanagement eingestellt; die Zulassungsvoraussetzungen liegen "
    "nicht mehr vor.",
    "Wiederholte Verstöße gegen die Datenschutzregelungen des Mustervertrags.",
    "Bei der Überprüfung waren keine zwei qualifizierten Fallmanager*innen mehr nachweisbar.",
)
WITHDRAWAL_REASONS: tuple[str, ...] = (
    "Wir ziehen den Antrag zurück, weil sich unser Leistungsangebot neu ausrichtet.",
    "Der Standort wird nicht wie geplant eröffnet.",
    "Das Personal für das Fallmanagement steht nicht mehr zur Verfügung.",
)
REVIEW_REASONS: tuple[str, ...] = (
    "Turnusmäßige Überprüfung: Qualitätsdaten und Besuch vor Ort ohne Beanstandung.",
    "Überprüfung nach drei Jahren: Nachweise aktuell, Rückmeldungen der Versicherten positiv.",
)

OPENING_HOURS: tuple[str, ...] = (
    "Mo–Do 8–16 Uhr, Fr 8–13 Uhr",
    "Mo–Fr 9–17 Uhr",
    "Mo, Mi, Do 9–18 Uhr; Di 9–13 Uhr; Fr nach Vereinbarung",
    "Di–Fr 8:30–15:30 Uhr, Termine auch abends nach Vereinbarung",
    "Mo–Fr 8–14 Uhr, Do bis 19 Uhr",
)

ACCESSIBILITY_NOTES: tuple[str, ...] = (
    "Aufzug, barrierefreies WC, Parkplatz für Menschen mit Behinderung vor dem Haus.",
    "Ebenerdiger Zugang, induktive Höranlage im Beratungsraum.",
    "Stufenloser Zugang über den Hof, Leitsystem für sehbehinderte Menschen.",
)
