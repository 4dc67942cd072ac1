"""The printable list for the insured person (rule E6) and the carrier overview (E8) as
HTML, PDF and CSV. PDFs come from fpdf2 (pure Python, installed from PyPI alone)."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from fpdf import FPDF
from jinja2 import Environment, FileSystemLoader, select_autoescape

_env = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


def render_print_html(context: dict[str, Any]) -> str:
    return _env.get_template("print.html").render(**context)


def _latin1(text: str) -> str:
    """The PDF core fonts speak Latin-1 (all German letters); fold anything else."""
    out = []
    for ch in text:
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            folded = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(folded or "?")
    return "".join(out)


def _km(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


class _Pdf(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self._footer_text = footer_text
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("helvetica", size=8)
        self.cell(0, 8, _latin1(f"{self._footer_text} · Seite {self.page_no()}"), align="C")

    def line_text(self, text: str, size: float = 10, style: str = "") -> None:
        self.set_font("helvetica", style=style, size=size)
        self.multi_cell(0, size * 0.5, _latin1(text), new_x="LMARGIN", new_y="NEXT")


def render_print_pdf(context: dict[str, Any]) -> bytes:
    pdf = _Pdf(f"{context['carrier']['name']} · Stand {context['date']}")
    pdf.add_page()
    pdf.line_text("Zugelassene Anbieter für externes Fallmanagement", 15, "B")
    pdf.ln(1)
    who = f" · für {context['person']}" if context.get("person") else ""
    pdf.line_text(f"{context['carrier']['name']} · Stand {context['date']}{who}", 9)
    place = context["place"]
    pdf.line_text(
        f"Wohnort: {place['postal_code']} {place['place']} · Bedarf: "
        f"{', '.join(context['target_groups'])} · {context['total']} Anbieter-Standorte",
        9,
    )
    pdf.ln(2)
    pdf.line_text(context["free_choice"], 10, "B")
    pdf.ln(2)
    labels = context["labels"]
    for i, r in enumerate(context["results"], start=1):
        a = r["site"]["address"]
        pdf.line_text(f"{i}. {r['provider']['name']} – {r['site']['name']}", 11, "B")
        pdf.line_text(
            f"{a['street']}, {a['postal_code']} {a['place']} · {_km(r['distance_km'])} km entfernt"
        )
        contact = " · ".join(
            x
            for x in (
                f"Telefon {r['provider']['phone']}" if r["provider"]["phone"] else "",
                f"E-Mail {r['provider']['email']}" if r["provider"]["email"] else "",
                r["provider"]["website"] or "",
            )
            if x
        )
        if contact:
            pdf.line_text(contact)
        pdf.line_text("Zielgruppen: " + ", ".join(labels.get(c, c) for c in r["target_groups"]))
        pdf.line_text("Sprachen: " + ", ".join(r["site"]["languages"]))
        pdf.ln(2)
    if not context["results"]:
        pdf.line_text("Für diesen Bedarf und Wohnort ist derzeit kein Anbieter verzeichnet.")
    pdf.ln(3)
    pdf.line_text(f"Ihre Ansprechperson bei der {context['carrier']['name']}:", 10, "B")
    for c in context["contacts"] or [
        {"name": "Fallmanagementbeauftragte", "phone": "", "email": ""}
    ]:
        pdf.line_text(
            " · ".join(x for x in (c["name"], c.get("phone", ""), c.get("email", "")) if x)
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
                f"{e['provider']['name']} – {e['site']['name']}, {a['street']}, "
                f"{a['postal_code']} {a['place']}"
                + (f", Telefon {e['provider']['phone']}" if e["provider"]["phone"] else ""),
                9,
            )
        pdf.ln(2)
    return bytes(pdf.output())
