"""Use cases on the fakes (no database): the provider's application draft, the directory's
provider lookup ("why is this provider not listed?") and the printed list's carrier contacts."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry import clock
from registry.admission.draft_repository import DraftRepository, InMemoryDraftRepository
from registry.admission.drafts import MAX_DRAFT_CHARS, delete_draft, load_draft, save_draft
from registry.admission.in_memory import InMemoryProviderRepository
from registry.admission.provider_repository import ProviderRepository
from registry.auth import Principal, Role
from registry.context import Registry
from registry.directory.service import carrier_contacts, find_providers
from registry.errors import Forbidden, NotFound
from registry.reference_repository import InMemoryReferenceRepository, ReferenceRepository
from tests.service.conftest import fake_registry, shared_fakes

ANBIETER = Principal("u-anb", "anbieter.kiel", Role.PROVIDER, provider="prv-kiel")
KOLLEGIN = Principal("u-anb-2", "kollegin.kiel", Role.PROVIDER, provider="prv-kiel")
ANDERER = Principal("u-anb-3", "anbieter.luebeck", Role.PROVIDER, provider="prv-luebeck")
OFFICER = Principal("u-of", "officer.nord", Role.ADMISSIONS_OFFICER, "drv-nord")
CASE_MANAGER = Principal("u-cm", "cm.nord", Role.CASE_MANAGER, "drv-nord")
READER = Principal("u-rd", "reader.nord", Role.DIRECTORY_READER, "drv-nord")


@pytest.fixture
def reg(tmp_path: Path) -> Registry:
    fakes = shared_fakes()
    fakes[DraftRepository] = InMemoryDraftRepository()
    providers = InMemoryProviderRepository()
    for pid, name in [
        ("prv-kiel", "Brücke Kiel gGmbH"),
        ("prv-luebeck", "Die BRUECKE Lübeck e.V."),
        ("prv-hamburg", "Lotsenhaus Hamburg"),
    ]:
        values = {
            "id": pid,
            "name": name,
            "legal_form": "",
            "email": "",
            "phone": "",
            "website": "",
        }
        providers.create(values, now=clock.now_iso())  # type: ignore[arg-type]
    fakes[ProviderRepository] = providers
    fakes[ReferenceRepository] = InMemoryReferenceRepository.of(
        fake_registry(tmp_path, {}).reference
    )
    return fake_registry(tmp_path, fakes)


# --------------------------------------------------------------------------- drafts


def test_a_provider_saves_replaces_and_deletes_its_organisations_draft(reg: Registry) -> None:
    assert load_draft(reg, ANBIETER) is None
    saved_at = save_draft(reg, ANBIETER, {"name": "Standort 1", "_csrf_token": "x", "action": "y"})
    assert load_draft(reg, ANBIETER) == ({"name": "Standort 1"}, saved_at)

    save_draft(reg, KOLLEGIN, {"name": "Standort 2"})  # one draft per organisation
    drafts: InMemoryDraftRepository = reg.fakes[DraftRepository]
    assert list(drafts.drafts) == ["draft:prv-kiel"]
    assert drafts.drafts["draft:prv-kiel"]["user_id"] == KOLLEGIN.user_id
    form = load_draft(reg, ANBIETER)
    assert form is not None and form[0] == {"name": "Standort 2"}
    assert load_draft(reg, ANDERER) is None  # another provider sees none of it

    delete_draft(reg, ANBIETER)
    assert load_draft(reg, KOLLEGIN) is None


def test_only_providers_keep_drafts_and_a_draft_has_a_size_limit(reg: Registry) -> None:
    with pytest.raises(Forbidden):
        save_draft(reg, OFFICER, {"name": "x"})
    with pytest.raises(Forbidden):
        load_draft(reg, OFFICER)
    with pytest.raises(ValueError, match="too large"):
        save_draft(reg, ANBIETER, {"text": "x" * MAX_DRAFT_CHARS})
    assert load_draft(reg, ANBIETER) is None


# --------------------------------------------------------------------------- provider lookup


def test_the_lookup_folds_case_and_umlauts_and_needs_every_word(reg: Registry) -> None:
    assert find_providers(reg, CASE_MANAGER, "brücke") == [  # by name
        {"id": "prv-kiel", "name": "Brücke Kiel gGmbH"},
        {"id": "prv-luebeck", "name": "Die BRUECKE Lübeck e.V."},
    ]
    assert [p["id"] for p in find_providers(reg, READER, "BRUECKE kiel")] == ["prv-kiel"]
    assert find_providers(reg, READER, "   ") == []
    assert len(find_providers(reg, READER, "e", limit=2)) == 2


@pytest.mark.parametrize(
    "who",
    [OFFICER, ANBIETER, Principal("u-x", "cm.ohne", Role.CASE_MANAGER)],  # no carrier
)
def test_only_case_managers_and_readers_of_a_carrier_look_providers_up(
    reg: Registry, who: Principal
) -> None:
    with pytest.raises(NotFound):
        find_providers(reg, who, "brücke")


# --------------------------------------------------------------------------- carrier contacts


def test_the_printed_list_shows_the_carriers_stored_contacts(reg: Registry) -> None:
    reference: InMemoryReferenceRepository = reg.fakes[ReferenceRepository]
    # §9: without contact persons the list prints the carrier's general service number
    (fallback,) = carrier_contacts(reg, "drv-nord")
    assert fallback["name"] == "Servicetelefon der DRV Nord" and fallback["phone"]
    contact = {"name": "Servicestelle Kiel", "phone": "0431 1234"}
    reference.profiles["drv-nord"] = {"contacts": [contact], "criteria": {}}
    assert carrier_contacts(reg, "drv-nord") == [contact]
