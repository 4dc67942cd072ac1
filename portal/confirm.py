"""The confirmation step of actions that cannot be undone (issue 17, item 7): a decision on an
application, revoking a site's admission, a follow-on admission.

Without JavaScript: the form posts as before; when it is valid and not yet confirmed, the
handler answers with ``confirm.html``: what is about to happen, to read once more, and the same
form in hidden fields with "confirm" (``confirmed=1``) and "back and change" (``step=edit``).
Nothing is saved before the confirmation, and the confirmed post is checked again in full.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from litestar.response import Template

from portal.base import AnyRequest, carrier_name, page
from portal.forms import FormData, value
from registry.api.security import registry_of

_NOT_CARRIED = {"_csrf_token", "confirmed", "step"}


def is_confirmed(form: FormData) -> bool:
    return value(form, "confirmed") == "1"


def wants_edit(form: FormData) -> bool:
    """ "Zurück und ändern" on the confirmation page: the form again, with what was typed."""
    return value(form, "step") == "edit"


def carried(form: FormData) -> list[tuple[str, str]]:
    """The posted fields as (name, value) pairs for hidden inputs (every value of a list)."""
    pairs: list[tuple[str, str]] = []
    for name, raw in form.items():
        if name in _NOT_CARRIED:
            continue
        for item in raw if isinstance(raw, list) else [raw]:
            pairs.append((name, "" if item is None else str(item)))
    return pairs


def editable(form: FormData) -> dict[str, Any]:
    """The posted form without the confirmation's own fields (to show it again)."""
    return {k: v for k, v in form.items() if k not in _NOT_CARRIED}


def confirm_page(
    request: AnyRequest,
    *,
    heading: str,
    intro: str,
    warning: str,
    action: str,
    form: FormData,
    confirm_label: str,
    facts: Sequence[tuple[str, str]] = (),
    tables: Sequence[Mapping[str, Any]] = (),
    edit_label: str = "Zurück und ändern",
    back_href: str = "",
    back_label: str = "",
    danger: bool = False,
) -> Template:
    return page(
        request,
        "confirm.html",
        title=heading,
        heading=heading,
        intro=intro,
        warning=warning,
        action=action,
        hidden=carried(form),
        confirm_label=confirm_label,
        facts=list(facts),
        tables=list(tables),
        edit_label=edit_label,
        back_href=back_href,
        back_label=back_label,
        danger=danger,
    )


def decision_table(
    decision: Mapping[str, Any], target_groups: Mapping[str, str], heading: str
) -> dict[str, Any]:
    """A decision per target group (admitted or refused, with its reason) as a table."""
    rows = [
        [
            target_groups.get(code, code),
            "zulassen" if d.get("admit") else "ablehnen",
            str(d.get("reason") or ""),
        ]
        for code, d in decision.items()
    ]
    return {"heading": heading, "head": ["Zielgruppe", "Ergebnis", "Begründung"], "rows": rows}


# --------------------------------------------------------------------------- the three steps


def readable_decision(body: Mapping[str, Any], version: int) -> dict[str, Any]:
    """What the rules can check of a decision form whose shape is not yet right: the groups
    with a choice (a missing reason stays empty), the overrides sent, the page's version."""
    groups = {
        code: {"admit": bool(entry["admit"]), "reason": str(entry.get("reason") or "")}
        for code, entry in body.get("target_groups", {}).items()
        if "admit" in entry
    }
    try:
        sent = int(body.get("version") or 0)
    except (TypeError, ValueError):
        sent = 0
    return {
        "target_groups": groups,
        "overrides": list(body.get("overrides", [])),
        "version": sent or version,
    }


def already_reported(reported: Sequence[str], field_name: str) -> bool:
    """A rule's problem about a field the form's shape already flagged (or one inside it)."""
    return any(a == field_name or a.startswith(field_name + ".") for a in reported)


def decision_step(
    request: AnyRequest, app: Mapping[str, Any], decision: Mapping[str, Any], form: FormData
) -> Template:
    """The confirmation of a lead's decision: per group the result and reason, the overrides."""
    groups = _group_labels(request)
    tables = [decision_table(decision["target_groups"], groups, "Ihre Entscheidung je Zielgruppe")]
    if decision.get("overrides"):
        tables.append(
            {
                "heading": "Übersteuerte blockierende Befunde",
                "head": ["Zielgruppe", "Begründung der Übersteuerung"],
                "rows": [
                    [groups.get(o.get("target_group") or "", "alle Zielgruppen"), o["reason"]]
                    for o in decision["overrides"]
                ],
            }
        )
    sites = "; ".join(
        f"{s['name']}, {s['address']['postal_code']} {s['address']['place']}" for s in app["sites"]
    )
    return confirm_page(
        request,
        heading="Entscheidung bestätigen",
        intro=f"Sie entscheiden als federführender Träger über den Antrag von "
        f"{app['provider']['name']}. Bitte lesen Sie Ihre Entscheidung noch einmal.",
        facts=[("Anbieter", app["provider"]["name"]), ("Standorte", sites)],
        tables=tables,
        warning="Gespeichert ist die Entscheidung endgültig. Der Anbieter und die betroffenen "
        "Träger werden benachrichtigt; Standorte in der Region eines anderen Trägers gehen ihm "
        "zur Folgezulassung zu.",
        action=f"/applications/{app['id']}/decision",
        form=form,
        confirm_label="Entscheidung endgültig speichern",
        back_href=f"/applications/{app['id']}",
        back_label="Abbrechen, zurück zum Antrag",
    )


def revoke_step(
    request: AnyRequest,
    app: Mapping[str, Any],
    site: Mapping[str, Any],
    chosen: Sequence[str],
    reason: str,
    form: FormData,
) -> Template:
    """The confirmation of revoking a site's admission (all or some target groups)."""
    groups = _group_labels(request)
    held = list(site.get("target_group_status", {}))
    named = [groups.get(c, c) for c in (chosen or held)]
    address = site["address"]
    return confirm_page(
        request,
        heading="Widerruf bestätigen",
        intro=f"Sie widerrufen die Zulassung des Standorts {site['name']} von "
        f"{app['provider']['name']}.",
        facts=[
            ("Standort", f"{site['name']}, {address['postal_code']} {address['place']}"),
            ("Zielgruppen", ", ".join(named) if chosen else f"alle ({', '.join(named)})"),
            ("Begründung", reason),
        ],
        warning="Ein Widerruf ist endgültig: der Standort verschwindet für diese Zielgruppen "
        "aus dem Verzeichnis, und zugelassen wird er erst wieder auf einen neuen Antrag. Die "
        "betroffenen Träger werden benachrichtigt.",
        action=f"/applications/{app['id']}/sites/{site['id']}/admission",
        form=form,
        confirm_label="Zulassung widerrufen",
        back_href=f"/applications/{app['id']}#standorte",
        back_label="Abbrechen, zurück zum Antrag",
        danger=True,
    )


def follow_on_step(request: AnyRequest, task: Mapping[str, Any], form: FormData) -> Template:
    """The confirmation of a follow-on admission, with the lead's decision and its reasons."""
    lead = carrier_name(registry_of(request), task.get("lead_carrier"))
    site = task.get("site") or {}
    where = (
        f"{site['name']}, {site['address']['postal_code']} {site['address']['place']}"
        if site
        else ""
    )
    decision = task.get("decision") or {}
    tables = []
    if decision.get("target_groups"):
        tables.append(
            decision_table(
                decision["target_groups"], _group_labels(request), f"Entscheidung der {lead}"
            )
        )
    return confirm_page(
        request,
        heading="Folgezulassung bestätigen",
        intro=f"Die {lead} hat als federführender Träger über den Antrag von "
        f"{task.get('provider_name', '')} entschieden. Sie lassen den Standort in Ihrer Region "
        "auf Grundlage dieser Entscheidung zu; die Zielgruppen bleiben, wie die "
        f"{lead} sie zugelassen hat.",
        facts=[("Anbieter", str(task.get("provider_name", ""))), ("Standort", where)],
        tables=tables,
        warning="Die Folgezulassung gilt sofort: der Standort erscheint im Verzeichnis, die "
        "betroffenen Träger werden benachrichtigt.",
        action=f"/follow-ons/{task['id']}/admit",
        form=form,
        confirm_label="Folgezulassung erteilen",
        edit_label="",
        back_href="/follow-ons",
        back_label="Abbrechen, zurück zu den Folgezulassungen",
    )


def _group_labels(request: AnyRequest) -> dict[str, str]:
    return {t.code: t.label for t in registry_of(request).reference.target_groups}
