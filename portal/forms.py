"""Form plumbing: reading posted fields, pydantic errors in German, problems next to fields.

Field names in the portal's forms are the paths the services use in their problems
(``sites[0].address.postal_code``, ``target_groups.addiction.reason``), so an error of the service
lands next to the field it concerns without a translation table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body
from pydantic import ValidationError

from registry.errors import Problem

FormData = Mapping[str, Any]
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
"""A posted HTML form (``application/x-www-form-urlencoded``)."""


def value(form: FormData, name: str, default: str = "") -> str:
    """One posted text value (the last one if the field was sent twice), trimmed."""
    raw = form.get(name, default)
    if isinstance(raw, list):
        raw = raw[-1] if raw else default
    return str(raw).strip()


def values(form: FormData, name: str) -> list[str]:
    """All posted values of a field (checkbox groups, multi-selects)."""
    raw = form.get(name)
    if raw is None:
        return []
    if isinstance(raw, list):
        return [str(v).strip() for v in raw if str(v).strip()]
    text = str(raw).strip()
    return [text] if text else []


def checked(form: FormData, name: str) -> bool:
    return value(form, name) in {"on", "true", "1", "yes", "ja"}


def number(form: FormData, name: str) -> str | None:
    """A number as typed (German decimal comma accepted); None when left empty."""
    text = value(form, name).replace(",", ".")
    return text or None


def codes(text: str) -> list[str]:
    """A comma or space separated list of short codes, lower-cased ("de, tr" -> ["de", "tr"])."""
    return [part.lower() for part in re.split(r"[\s,;]+", text) if part]


def field_id(name: str) -> str:
    """An HTML id for a field name: ``sites[0].address.postal_code`` -> ``f-sites-0-address-...``."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")


# --------------------------------------------------------------------------- pydantic -> German


def _path(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part[:1].isupper():
            continue  # the branch of a union (e.g. "ProviderIn"): not a field
        else:
            out += ("." if out else "") + str(part)
    return out


def _german(error: Mapping[str, Any], path: str) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        if path.endswith(".admit"):
            return "Bitte »zulassen« oder »ablehnen« wählen."
        return "Bitte ausfüllen."
    if kind == "string_too_short":
        return "Bitte ausfüllen."
    if kind == "string_too_long":
        return f"Der Text ist zu lang (höchstens {ctx.get('max_length')} Zeichen)."
    if kind == "string_pattern_mismatch":
        if path.endswith("postal_code"):
            return "Bitte eine Postleitzahl aus fünf Ziffern eingeben."
        if "languages" in path:
            return "Sprachen als Kürzel mit 2 oder 3 Buchstaben angeben, z. B. de, tr, ar."
        if path.endswith("email"):
            return "Bitte eine gültige E-Mail-Adresse eingeben."
        if path.endswith("username"):
            return "Nur Buchstaben, Ziffern und . _ @ - sind erlaubt."
        if "districts" in path:
            return "Kreisschlüssel bestehen aus fünf Ziffern."
        return "Das Format ist ungültig."
    if kind in {"float_parsing", "int_parsing", "float_type", "int_type", "int_from_float"}:
        return "Bitte eine Zahl eingeben."
    if kind == "greater_than":
        return f"Der Wert muss größer als {ctx.get('gt')} sein."
    if kind == "greater_than_equal":
        return f"Der Wert muss mindestens {ctx.get('ge')} sein."
    if kind == "less_than_equal":
        return f"Der Wert darf höchstens {ctx.get('le')} sein."
    if kind == "less_than":
        return f"Der Wert muss kleiner als {ctx.get('lt')} sein."
    if kind.startswith("date") or kind.startswith("datetime"):
        return "Bitte ein gültiges Datum eingeben."
    if kind in {"literal_error", "enum"}:
        return "Bitte eine der angebotenen Möglichkeiten wählen."
    if kind == "too_short":
        return "Bitte mindestens einen Eintrag auswählen oder angeben."
    if kind == "too_long":
        return "Zu viele Einträge."
    if kind == "extra_forbidden":
        return "Dieses Feld ist hier nicht vorgesehen."
    if kind == "value_error":
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
    return "Die Eingabe ist ungültig."


def problems_of(exc: ValidationError, prefix: str = "") -> list[Problem]:
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in exc.errors():
        path = _path(error.get("loc", ()))
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        message = _german(error, path)
        if (path, message) not in seen:
            seen.add((path, message))
            out.append(Problem(path, message))
    return out


# --------------------------------------------------------------------------- errors on a page


_ROWS = {
    "sites": "Standort",
    "cm": "Fallmanager*in",
    "case_managers": "Fallmanager*in",
    "contacts": "Kontakt",
}
_ROW = re.compile(r"^(" + "|".join(_ROWS) + r")\[(\d+)\]")


@dataclass
class Errors:
    """The problems of one form submission, each attached to a field of the page (its anchor).

    A problem whose field the page does not show is attached to the nearest enclosing anchor
    (``sites[0].address.street`` -> ``sites[0]``), else to ``default``. ``summary`` keeps them in
    order for the error summary at the top of the page, each linked to its anchor.
    """

    anchors: set[str] = field(default_factory=set)
    default: str = ""
    by_anchor: dict[str, list[str]] = field(default_factory=dict)
    summary: list[tuple[str, str]] = field(default_factory=list)  # (anchor, message)
    notice: str = ""  # a page-level message (e.g. the conflict of rule A11)
    labels: dict[str, str] = field(default_factory=dict)  # field name -> its label on the page
    rules: list[str] = field(default_factory=list)  # for the staff details line, not the messages

    def add(self, problem: Problem) -> None:
        anchor = self._anchor(problem.field)
        message = problem.message
        if problem.rule and problem.rule not in self.rules:
            self.rules.append(problem.rule)
        self.by_anchor.setdefault(anchor, []).append(message)
        self.summary.append((anchor, message))

    def extend(self, problems: Iterable[Problem]) -> Errors:
        for p in problems:
            self.add(p)
        return self

    def _anchor(self, name: str) -> str:
        candidate = name
        while candidate:
            if candidate in self.anchors:
                return candidate
            cut = max(candidate.rfind("."), candidate.rfind("["))
            candidate = candidate[:cut] if cut > 0 else ""
        return self.default

    def __bool__(self) -> bool:
        return bool(self.summary) or bool(self.notice)

    def of(self, name: str) -> list[str]:
        return self.by_anchor.get(name, [])

    def has(self, name: str) -> bool:
        return name in self.by_anchor

    def name_field(self, name: str, label: str) -> str:
        """Remember a field's label as the page renders it (the first one named wins), so the
        error summary can name each field; returns '' to be called from a template."""
        self.labels.setdefault(name, label.replace("(Pflichtfeld)", "").strip())
        return ""

    def label_of(self, anchor: str) -> str:
        """The label of an anchor for the error summary, with the row it belongs to
        (``sites[1].name`` -> "Standort 2 – Name des Standorts"); '' if the page has none."""
        label = self.labels.get(anchor, "")
        match = _ROW.match(anchor)
        if match and label and anchor != match.group(0):
            row = self.labels.get(match.group(0)) or (
                f"{_ROWS[match.group(1)]} {int(match.group(2)) + 1}"
            )
            return f"{row} – {label}"
        return label


def no_errors() -> Errors:
    return Errors()
