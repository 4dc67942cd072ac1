"""Reference data and accounts: carriers, target groups, places, concept sections, tokens."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, patch, post
from litestar.params import Parameter
from pydantic import BaseModel, Field

from registry.api.security import ANY_ROLE, allow
from registry.auth import Principal, Role
from registry.auth.service import (
    LoginFailed,
    LoginThrottled,
    change_password,
    login,
    logout,
    logout_everywhere,
)
from registry.context import Registry
from registry.errors import InvalidInput, NotFound
from registry.geo import AmbiguousPlace, InvalidPostalCode, UnknownPostalCode


class TokenRequest(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=200)]
    password: Annotated[str, Field(min_length=1, max_length=500)]


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"


class PasswordChangeIn(BaseModel):
    model_config = {"extra": "forbid"}

    current: Annotated[str, Field(min_length=1, max_length=500)]
    new: Annotated[str, Field(min_length=1, max_length=500)]


def client_address(request: Request[Any, Any, Any]) -> str:
    """The source address a login attempt is throttled by (the peer; a proxy in front is
    expected to be the only peer and to pass on nothing we trust)."""
    client = request.client
    return client.host if client is not None else ""


def throttled(exc: LoginThrottled) -> Exception:
    from litestar.exceptions import TooManyRequestsException

    return TooManyRequestsException(
        detail=exc.message, headers={"Retry-After": str(exc.retry_after)}
    )


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["Authentifizierung"]

    @post(
        "/token",
        operation_id="issueToken",
        exclude_from_auth=True,
        status_code=200,
        sync_to_thread=True,  # the memory-hard password check must not stall the event loop
    )
    def token(
        self, request: Request[Any, Any, Any], reg: Registry, data: TokenRequest
    ) -> TokenResponse:
        from litestar.exceptions import NotAuthorizedException

        try:
            token = login(reg, data.username, data.password, client_address(request))
        except LoginThrottled as exc:
            raise throttled(exc) from exc
        except LoginFailed as exc:
            raise NotAuthorizedException(exc.message) from exc
        return TokenResponse(access_token=token)

    @post(
        "/logout",
        operation_id="logout",
        status_code=200,
        guards=[allow(*ANY_ROLE)],
        sync_to_thread=True,
    )
    def end_session(self, reg: Registry, me: Principal) -> dict[str, str]:
        """The token (and the portal session with it) ends on the server."""
        logout(reg, me)
        return {"status": "ok"}

    @post(
        "/password",
        operation_id="changePassword",
        status_code=200,
        guards=[allow(*ANY_ROLE)],
        sync_to_thread=True,
    )
    def password(self, reg: Registry, me: Principal, data: PasswordChangeIn) -> TokenResponse:
        """One's own password; every other session ends, the answer is the caller's new token."""
        token = change_password(reg, me, data.current, data.new)
        return TokenResponse(access_token=token)

    @post(
        "/logout-everywhere",
        operation_id="logoutEverywhere",
        status_code=200,
        guards=[allow(*ANY_ROLE)],
    )
    async def logout_all(self, reg: Registry, me: Principal) -> dict[str, str]:
        logout_everywhere(reg, me)
        return {"status": "ok"}


class CarrierOut(BaseModel):
    id: str
    name: str
    kind: str


class TargetGroupOut(BaseModel):
    code: str
    label: str
    description: str


class SectionOut(BaseModel):
    code: str
    label: str
    rule: str = "Q1"  # Q1: required (missing is blocking); Q8: advisory (docs/rules.md)
    source: str = ""


class DistrictRef(BaseModel):
    key: str
    name: str


class PlaceOut(BaseModel):
    postal_code: str
    place: str
    district: DistrictRef
    state: str
    responsible_carrier: str
    lat: float
    lon: float


class ReferenceController(Controller):
    path = "/api/v1"
    tags = ["Referenzdaten"]
    guards = [allow(*ANY_ROLE)]

    @get("/carriers", operation_id="listCarriers")
    async def carriers(self, reg: Registry) -> list[CarrierOut]:
        return [CarrierOut(id=c.id, name=c.name, kind=c.kind) for c in reg.reference.carriers]

    @get("/target-groups", operation_id="listTargetGroups")
    async def target_groups(self, reg: Registry) -> list[TargetGroupOut]:
        return [
            TargetGroupOut(code=t.code, label=t.label, description=t.description)
            for t in reg.reference.target_groups
        ]

    @get("/concept-sections", operation_id="listConceptSections")
    async def concept_sections(self, reg: Registry) -> list[SectionOut]:
        return [
            SectionOut(code=s.code, label=s.label, rule=s.rule, source=s.source)
            for s in reg.reference.concept_sections
        ]

    @get("/places/resolve", operation_id="resolvePlace")
    async def resolve_place(
        self,
        reg: Registry,
        postal_code: Annotated[str, Parameter(max_length=20)],
        place: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> PlaceOut:
        return place_out(reg, postal_code, place)


def place_out(reg: Any, postal_code: str, place: str | None) -> PlaceOut:
    resolved = resolve(reg, postal_code, place)
    return PlaceOut(
        postal_code=resolved.postal_code,
        place=resolved.place,
        district=DistrictRef(key=resolved.district_key, name=resolved.district_name),
        state=resolved.state,
        responsible_carrier=resolved.responsible_carrier,
        lat=resolved.lat,
        lon=resolved.lon,
    )


def resolve(reg: Any, postal_code: str, place: str | None, field: str = "postal_code") -> Any:
    """Resolve a place, turning geocoder errors into the API's errors (404 / 422)."""
    try:
        return reg.geocoder.resolve(postal_code, place)
    except InvalidPostalCode as exc:
        raise InvalidInput.one(field, str(exc)) from exc
    except UnknownPostalCode as exc:
        raise NotFound(f"Unbekannte Postleitzahl {postal_code}") from exc
    except AmbiguousPlace as exc:
        raise InvalidInput.one(
            "place",
            "Die Postleitzahl ist ohne Ort nicht eindeutig; mögliche Orte: "
            + ", ".join(exc.candidates),
        ) from exc


class UserIn(BaseModel):
    model_config = {"extra": "forbid"}

    username: Annotated[str, Field(min_length=3, max_length=80, pattern=r"^[A-Za-z0-9._@-]+$")]
    password: Annotated[str, Field(min_length=1, max_length=500)]
    role: Annotated[str, Field(max_length=40)]
    carrier: Annotated[str | None, Field(max_length=80)] = None
    provider: Annotated[str | None, Field(max_length=80)] = None


class UserPatch(BaseModel):
    model_config = {"extra": "forbid"}

    active: bool


class OneTimePassword(BaseModel):
    password: str
    must_change: bool = True


class UserOut(BaseModel):
    id: str
    username: str
    role: str
    carrier: str | None
    provider: str | None
    active: bool


class UserController(Controller):
    """Accounts (docs/rules.md §9: admins manage the users in their scope)."""

    path = "/api/v1/users"
    tags = ["Benutzer"]
    guards = [allow(Role.ADMIN)]

    @get("/", operation_id="listUsers", sync_to_thread=True)
    def list_all(self, reg: Registry, me: Principal) -> list[UserOut]:
        from registry.auth.service import list_users

        return [
            UserOut(
                id=u["id"],
                username=u["username"],
                role=u["role"],
                carrier=u["carrier"] or None,
                provider=u["provider"] or None,
                active=bool(u["active"]),
            )
            for u in list_users(reg, me)
        ]

    @post("/", operation_id="createUser", status_code=201, sync_to_thread=True)
    def create(self, reg: Registry, me: Principal, data: UserIn) -> UserOut:
        from registry.auth.service import add_user, get_user

        user_id = add_user(
            reg,
            username=data.username,
            password=data.password,
            role=data.role,
            carrier=data.carrier,
            provider=data.provider,
            actor=me,
        )
        row = get_user(reg, me, user_id)
        return UserOut(
            id=row["id"],
            username=row["username"],
            role=row["role"],
            carrier=row["carrier"] or None,
            provider=row["provider"] or None,
            active=bool(row["active"]),
        )

    @patch("/{user_id:str}", operation_id="updateUser", sync_to_thread=True)
    def update(self, reg: Registry, me: Principal, user_id: str, data: UserPatch) -> UserOut:
        """Deactivate (or reactivate) an account in the admin's scope; its sessions end."""
        from registry.auth.service import set_user_active

        row = set_user_active(reg, me, user_id, data.active)
        return UserOut(
            id=row["id"],
            username=row["username"],
            role=row["role"],
            carrier=row["carrier"] or None,
            provider=row["provider"] or None,
            active=bool(row["active"]),
        )

    @post(
        "/{user_id:str}/reset-password",
        operation_id="resetPassword",
        status_code=200,
        sync_to_thread=True,
    )
    def reset(self, reg: Registry, me: Principal, user_id: str) -> OneTimePassword:
        """A one-time password, shown once; the user changes it at the next login."""
        from registry.auth.service import reset_password

        return OneTimePassword(password=reset_password(reg, me, user_id))
