"""From the provider's claims to our roles: ``OIDC_ROLE_MAP`` and the role claim.

Pure functions (no Django): settings parse the map at start-up, the backend maps claims at
every sign-in.
"""

from collections.abc import Mapping
from typing import Any

# Our role groups (accounts.roles.GROUP_NAMES), spelled here so that settings need not
# import Django models; tests/accounts/test_oidc_claims.py keeps the two in step.
ROLE_NAMES = ("viewer", "editor", "admin")


def parse_role_map(text: str) -> dict[str, str]:
    """``"powens-viewers:viewer, powens-editors:editor"`` → ``{claim value: role}``.

    The role is what follows the *last* colon, so claim values may hold colons themselves
    (``urn:acme:powens:editor:editor``). Several values may give the same role; one value may
    not give two. Raises ValueError naming the bad entry.
    """
    role_map: dict[str, str] = {}
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        value, colon, role = (piece.strip() for piece in entry.rpartition(":"))
        if not colon or not value:
            raise ValueError(f"{entry!r} is not <claim value>:<role>.")
        if role not in ROLE_NAMES:
            raise ValueError(f"{entry!r}: the role must be one of {', '.join(ROLE_NAMES)}.")
        if value in role_map:
            raise ValueError(f"{value!r} is listed twice.")
        role_map[value] = role
    return role_map


def claim_values(claims: Mapping[str, Any], name: str) -> list[str]:
    """The strings a claim holds: a list of them, or one string (a single group).

    ``name`` is looked up as it is first (namespaced claims such as
    ``https://acme.example/roles`` contain dots), then as a dotted path into nested objects
    (Keycloak's ``realm_access.roles``). Anything else (absent, a number, an object) holds none.
    """
    value: Any = claims.get(name)
    if value is None and "." in name:
        value = claims
        for part in name.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str)]
    return []


def mapped_roles(claims: Mapping[str, Any], claim: str, role_map: Mapping[str, str]) -> set[str]:
    """The role groups the claims give: every mapped value counts, unmapped ones are ignored
    (an account with none keeps no role). Matching is exact, case included."""
    return {role_map[value] for value in claim_values(claims, claim) if value in role_map}
