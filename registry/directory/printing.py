"""The printable list for the insured person (rule E6) and the carrier overview (E8) as
HTML, PDF and CSV. PDFs come from fpdf2 (pure Python, installed from PyPI alone) in DejaVu Sans,
a free Unicode font shipped in ``fonts/`` (Debian's fonts-dejavu-core 2.37, Bitstream Vera
licence with DejaVu's public-domain changes, ``fonts/LICENSE-DejaVu.txt``): every German
letter, "–", "»«" and names from other scripts print as typed, nothing is folded to "?"."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import TTFFont
from jinja2 import Environment, FileSystemLoader, select_autoescape

from registry import words

_HERE = Path(__file__).resolve().parent
FONT_DIR = _HERE / "fonts"
FONT = "DejaVuSans"

# fpdf2 warns about characters its font lacks by quoting them: they may be letters of the
# insured person's name, which is never logged (docs/rules.md §10). Such characters print as
# "□" instead (:meth:`_Pdf.line_text`), so the warning says nothing new.
logging.getLogger("fpdf").setLevel(logging.ERROR)
MISSING = "□"

_env = Environment(
    loader=FileSystemLoader(_HERE / "templates"),
    autoescape=select_autoescape(["html"]),
)
_env.globals.update(words=words)


def render_print_html(context: dict[str, Any]) -> str:
    return _env.get_template("print.html").render(**context, site_lines=site_lines)


def _km(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


class _Pdf(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self._footer_text = footer_text
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, size=8)
        self.cell(0, 8, f"{self._footer_text} · Seite {self.page_no()}", align="C")

    def line_text(self, text: str, size: float = 10, style: str = "") -> None:
        self.set_font(FONT, style=style, size=size)
        font = self.current_font
        known = font.cmap if isinstance(font, TTFFont) else {}
        shown = "".join(ch if ch.isspace() or ord(ch) in known else MISSING for ch in text)
        self.multi_cell(0, size * 0.5, shown, new_x="LMARGIN", new_y="NEXT")


def site_lines(r: dict[str, Any], labels: dict[str, str]) -> list[str]:
    """The lines of one entry below its name: address and distance, contact, target groups,
    languages and access, the ways of counselling and opening hours, whether it takes new
    cases, the accessibility notes (the same facts as the printable page)."""
    site, provider = r["site"], r["provider"]
    a = site["address"]
    lines = [
        words.joined(a.get("street"), words.joined(a.get("postal_code"), a.get("place"), sep=" "))
        + f" · {_km(r['distance_km'])} km entfernt"
    ]
    contact = words.joined(
        f"Telefon {provider['phone']}" if provider.get("phone") else "",
        f"E-Mail {provider['email']}" if provider.get("email") else "",
        provider.get("website") or "",
        sep=" · ",
    )
    if contact:
        lines.append(contact)
    lines.append("Zielgruppen: " + ", ".join(labels.get(c, c) for c in r["target_groups"]))
    lines.append(
        words.joined(
            "Sprachen: " + words.language_list(site["languages"]) if site["languages"] else "",
            "barrierefrei" if site.get("barrier_free") else "",
            "mit öffentlichen Verkehrsmitteln erreichbar" if site.get("public_transport") else "",
            sep=" · ",
        )
    )
    ways = words.counselling_list(site.get("counselling_modes") or ())
    if ways:
        lines.append("Beratung: " + ways)
    if site.get("opening_hours"):
        lines.append("Sprechzeiten: " + str(site["opening_hours"]))
    if site.get("accepts_new_cases") is False:
        lines.append("Nimmt zurzeit keine neuen Fälle an.")
    elif site.get("waiting_time_weeks"):
        weeks = int(site["waiting_time_weeks"])
        lines.append("Wartezeit etwa " + words.count(weeks, "Woche", "Wochen"))
    if site.get("accessibility_notes"):
        lines.append("Hinweise zur Barrierefreiheit: " + str(site["accessibility_notes"]))
    return [line for line in lines if line]


def render_print_pdf(context: dict[str, Any]) -> bytes:
    pdf = _Pdf(f"{context['carrier']['name']} · Stand {context['date']}")
    pdf.add_page()
    pdf.line_text("Zugelassene Anbieter für externes Fallmanagement", 15, "B")
    pdf.ln(1)
    if context.get("person"):
        pdf.line_text(f"Für: {context['person']}", 11, "B")
    pdf.line_text(f"{context['carrier']['name']} · Stand {context['date']}", 9)
    place = context["place"]
    pdf.line_text(
        f"Wohnort: {place['postal_code']} {place['place']} · Bedarf: "
        f"{', '.join(context['target_groups'])} · "
        + words.count(context["total"], "passender Standort", "passende Standorte"),
        9,
    )
    pdf.ln(2)
    pdf.line_text(context["free_choice"], 10, "B")
    pdf.ln(2)
    labels = context["labels"]
    for i, r in enumerate(context["results"], start=1):
        pdf.line_text(f"{i}. {r['provider']['name']} – {r['site']['name']}", 11, "B")
        for line in site_lines(r, labels):
            pdf.line_text(line)
        pdf.ln(2)
    if not context["results"]:
        pdf.line_text("Für diesen Bedarf und Wohnort ist derzeit kein Anbieter verzeichnet.")
    pdf.ln(3)
    pdf.line_text(f"Ihre Ansprechperson bei der {context['carrier']['name']}:", 10, "B")
    for c in context["contacts"] or [
        {"name": "Fallmanagementbeauftragte", "phone": "", "email": ""}
    ]:
        pdf.line_text(
            words.joined(
                c.get("name"),
                f"Telefon {c['phone']}" if c.get("phone") else "",
                c.get("email"),
                sep=" · ",
            )
        )
    return bytes(pdf.output())


def render_overview_pdf(data: dict[str, Any]) -> bytes:
    pdf = _Pdf(f"{data['carrier']['name']} · Stand {data['date']}")
    pdf.add_page()
    pdf.line_text("Übersicht der zum Fallmanagement zugelassenen Leistungsanbieter", 14, "B")
    pdf.line_text(f"{data['carrier']['name']} · Stand {data['date']}", 9)
    pdf.ln(2)
    for section in data["sections"]:
        pdf.line_text(section["label"], 12, "B")
        for e in section["entries"]:
            a = e["site"]["address"]
            pdf.line_text(
                f"{e['provider']['name']} – "
                + words.joined(
                    e["site"]["name"],
                    a.get("street"),
                    words.joined(a.get("postal_code"), a.get("place"), sep=" "),
                    f"Telefon {e['provider']['phone']}" if e["provider"].get("phone") else "",
                ),
                9,
            )
        pdf.ln(2)
    return bytes(pdf.output())
