"""Small shared checks of the network rules: texts, counts, e-mail and phone shapes, dates, whole
months, and the problems of one contact person (used by N1 and N3). Pure; no I/O.
"""

from __future__ import annotations

from registry.errors import Problem

# --- small helpers -------------------------------------------------------------------------------


def has_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def is_text_list(value: object) -> bool:
    """A non-empty list of texts, each non-empty after trimming."""
    return (
        isinstance(value, list | tuple) and len(value) > 0 and all(has_text(item) for item in value)
    )


def is_count(value: object, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def looks_like_email(value: str) -> bool:
    value = value.strip()
    if " " in value or value.count("@") != 1:
        return False
    local, domain = value.split("@")
    return bool(local) and "." in domain.strip(".") and not domain.startswith(".")


def looks_like_phone(value: str) -> bool:
    allowed = set("0123456789 +-/()")
    value = value.strip()
    return bool(value) and set(value) <= allowed and sum(ch.isdigit() for ch in value) >= 3


def contact_problems(
    prefix: str,
    name: object,
    role: object,
    email: object,
    phone: object,
    rule: str,
    require_role: bool,
) -> list[Problem]:
    problems: list[Problem] = []
    if not has_text(name):
        problems.append(Problem(f"{prefix}.name", "Name der Kontaktperson fehlt", rule))
    if require_role and not has_text(role):
        problems.append(Problem(f"{prefix}.role", "Rolle der Kontaktperson fehlt", rule))
    has_email = has_text(email)
    has_phone = has_text(phone)
    if not has_email and not has_phone:
        problems.append(
            Problem(prefix, "Kontaktperson braucht eine E-Mail-Adresse oder Telefonnummer", rule)
        )
    if has_email and isinstance(email, str) and not looks_like_email(email):
        problems.append(Problem(f"{prefix}.email", "E-Mail-Adresse ist ungültig", rule))
    if has_phone and isinstance(phone, str) and not looks_like_phone(phone):
        problems.append(Problem(f"{prefix}.phone", "Telefonnummer ist ungültig", rule))
    return problems
