"""The role claim and OIDC_ROLE_MAP: parsing the map, reading the claim, mapping it."""

import pytest

from accounts.oidc.claims import ROLE_NAMES, claim_values, mapped_roles, parse_role_map
from accounts.roles import GROUP_NAMES

ROLE_MAP = {"powens-viewers": "viewer", "powens-editors": "editor", "powens-admins": "admin"}


def test_the_role_names_are_our_groups():
    assert set(ROLE_NAMES) == set(GROUP_NAMES)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("", {}),
        ("  ,  ", {}),
        ("powens-viewers:viewer", {"powens-viewers": "viewer"}),
        (
            " powens-viewers : viewer , powens-editors:editor,ops:editor ",
            {"powens-viewers": "viewer", "powens-editors": "editor", "ops": "editor"},
        ),
        # The role follows the last colon: claim values that are URNs keep theirs.
        ("urn:acme:groups:powens:admin", {"urn:acme:groups:powens": "admin"}),
        ("Powens Admins:admin", {"Powens Admins": "admin"}),
    ],
)
def test_parse_role_map(text, parsed):
    assert parse_role_map(text) == parsed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("powens-viewers", "is not <claim value>:<role>"),
        (":viewer", "is not <claim value>:<role>"),
        ("powens-viewers:superuser", "the role must be one of viewer, editor, admin"),
        ("powens-viewers:Viewer", "the role must be one of"),
        ("powens-viewers:", "the role must be one of"),
        ("ops:viewer,ops:editor", "'ops' is listed twice"),
    ],
)
def test_parse_role_map_refuses(text, message):
    with pytest.raises(ValueError, match=message):
        parse_role_map(text)


@pytest.mark.parametrize(
    ("claims", "name", "values"),
    [
        ({"groups": ["a", "b"]}, "groups", ["a", "b"]),
        ({"groups": "a"}, "groups", ["a"]),  # one group as a plain string
        ({"groups": ["a", 3, None, {"x": 1}, "b"]}, "groups", ["a", "b"]),
        ({}, "groups", []),
        ({"groups": None}, "groups", []),
        ({"groups": 7}, "groups", []),
        ({"groups": {"a": True}}, "groups", []),
        ({"realm_access": {"roles": ["a"]}}, "realm_access.roles", ["a"]),
        ({"realm_access": ["roles"]}, "realm_access.roles", []),
        ({"resource": {"app": {"roles": "a"}}}, "resource.app.roles", ["a"]),
        # A namespaced claim's name has dots of its own: read as it is first.
        ({"https://acme.example/roles": ["a"]}, "https://acme.example/roles", ["a"]),
    ],
)
def test_claim_values(claims, name, values):
    assert claim_values(claims, name) == values


def test_mapped_roles_keeps_every_mapped_value_and_ignores_the_rest():
    claims = {"groups": ["powens-viewers", "powens-editors", "everyone"]}
    assert mapped_roles(claims, "groups", ROLE_MAP) == {"viewer", "editor"}


def test_mapped_roles_is_exact():
    claims = {"groups": ["Powens-Editors", "powens-editors ", "powens"]}
    assert mapped_roles(claims, "groups", ROLE_MAP) == set()


def test_no_claim_or_no_map_means_no_role():
    assert mapped_roles({}, "groups", ROLE_MAP) == set()
    assert mapped_roles({"groups": ["powens-admins"]}, "roles", ROLE_MAP) == set()
    assert mapped_roles({"groups": ["powens-admins"]}, "groups", {}) == set()
