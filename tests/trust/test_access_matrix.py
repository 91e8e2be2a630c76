"""Who may do what: every URL pattern of the project × every role × every method.

The routes come from the resolver, so a URL added later is covered automatically: the test
``test_every_route_is_in_the_matrix`` fails until it gets a row here. Forbidden writes must
answer 403, send nothing to Powens (the sandbox state is unchanged) and leave a ``refused``
audit entry, also when the account holds no role at all: every POST that changes something
(connectors, sources, batches, reconciliation, the catalogue refresh) is on the record.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEntry, Outcome
from connectors_ui.changes import batch_execute
from connectors_ui.models import CatalogueSync
from connectors_ui.powens import get_client
from governance.models import ChangeRequest
from governance.proposals import Wish, change_request_propose
from sandbox.domains import ID_SPACING
from tests.fixtures.domains import refresh_every_domain
from tests.trust.conftest import ROLE_NAMES
from tests.trust.support import Route, project_routes, route_kwargs, sandbox_state

METHODS = ("PUT", "PATCH", "DELETE", "GET", "POST")  # writes last: they may change the state
LOGIN_NEXT = "/accounts/login/?next="
LEVEL = {"norole": Role.NONE, "viewer": Role.VIEWER, "editor": Role.EDITOR, "admin": Role.ADMIN}


@dataclass(frozen=True)
class Access:
    """The rule for one route. ``get``/``post``: the weakest role allowed that method (None:
    the method is not allowed). ``ok``: statuses of an allowed call. ``change``: a POST is a
    POST whose refusal must be audited (a Powens write, a refresh, a reconciliation)."""

    get: Role | None = None
    post: Role | None = None
    public: bool = False
    roleless: bool = False
    any_method: bool = False
    ok: tuple[int, ...] = (200,)
    post_ok: tuple[int, ...] = (200, 302)
    audited: bool = False
    # The login page sends a signed-in user on, whatever the method.
    sends_signed_in_on: bool = False
    # Single sign-on's URLs: 404 to everyone, whatever the method, while OIDC_ISSUER is empty
    # (as here); tests/accounts/test_oidc_sign_in.py covers them switched on.
    sso: bool = False


V, E, A = Role.VIEWER, Role.EDITOR, Role.ADMIN
MATRIX: dict[str, Access] = {
    "": Access(get=V, post=V, any_method=True, ok=(302,), post_ok=(302,)),
    "connectors/": Access(get=V),
    "connectors/counts/": Access(get=V),
    "connectors/refresh/": Access(post=E, audited=True),
    "connectors/freshness/": Access(get=V),
    "connectors/palette/": Access(get=V),
    # Saved views are local bookkeeping: anyone with a role keeps their own (no audit).
    "connectors/views/": Access(get=V),
    "connectors/views/menu/": Access(get=V),
    "connectors/views/new/": Access(post=V, post_ok=(302,)),
    "connectors/views/<int:pk>/": Access(post=V, post_ok=(302,)),
    "connectors/views/<int:pk>/delete/": Access(post=V, post_ok=(302,)),
    "connectors/export.csv": Access(get=V),
    "connectors/fields.csv": Access(get=V),
    "connectors/sources.csv": Access(get=V),
    "connectors/<str:ref>/state/": Access(post=E, audited=True),
    "connectors/<str:ref>/state/row/": Access(post=E, audited=True),
    "connectors/<str:ref>/sources/<int:source_id>/state/": Access(post=E, audited=True),
    "connectors/<str:ref>/check/": Access(post=E, audited=True),
    "connectors/<str:ref>/check/row/": Access(post=E, audited=True),
    "connectors/<str:ref>/sources/<int:source_id>/check/": Access(post=E, audited=True),
    "changes/batch/preview/": Access(post=E),
    "changes/batch/apply/": Access(post=E, audited=True),
    "changes/batch/<uuid:batch_id>/": Access(get=V),
    "changes/batch/<uuid:batch_id>/check/": Access(post=E, post_ok=(302,), audited=True),
    "compare/": Access(get=V),
    "compare/export.csv": Access(get=V),
    "compare/promote/preview/": Access(post=E),
    "compare/promote/apply/": Access(post=E, audited=True),
    "changes/revert/entries/<int:pk>/": Access(get=E),
    "changes/revert/batches/<uuid:batch_id>/": Access(get=E),
    "changes/revert/apply/": Access(post=E, audited=True),
    "connectors/<str:ref>/": Access(get=V),
    "audit/": Access(get=V),
    "audit/export.csv": Access(get=V),
    "audit/<int:pk>/": Access(get=V),
    "audit/batches/<uuid:batch_id>/": Access(get=V),
    "audit/connectors/<uuid:connector_uuid>/history/": Access(get=V),
    "audit/reconcile/": Access(post=A, post_ok=(302,), audited=True),
    # Signed-in users are sent on from the login page; the form itself is public.
    "accounts/login/": Access(public=True, get=V, post=V, post_ok=(200,), sends_signed_in_on=True),
    "accounts/oidc/start/": Access(public=True, sso=True),
    "accounts/oidc/callback/": Access(public=True, sso=True),
    "accounts/logout/": Access(post=V, roleless=True, post_ok=(302,)),
    "accounts/password_change/": Access(get=V, post=V, roleless=True),
    "accounts/password_change/done/": Access(get=V, roleless=True),
    "health/": Access(public=True, get=V),
    # Change requests and scheduled changes (governance): every decision is audited.
    "changes/requests/": Access(get=V),
    "changes/requests/<int:request_id>/": Access(get=V),
    "changes/requests/<int:request_id>/approve/": Access(post=E, post_ok=(302,), audited=True),
    "changes/requests/<int:request_id>/reject/": Access(post=E, post_ok=(302,), audited=True),
    # Only its proposer (or, to withdraw, an admin) may: 403 for another editor.
    "changes/requests/<int:request_id>/edit/": Access(post=E, post_ok=(403,), audited=True),
    "changes/requests/<int:request_id>/withdraw/": Access(post=E, post_ok=(302, 403), audited=True),
    "changes/requests/<int:request_id>/apply/": Access(post=E, post_ok=(302,), audited=True),
    "changes/requests/<int:request_id>/bypass/": Access(post=A, post_ok=(302,), audited=True),
    "changes/requests/<int:request_id>/cancel/": Access(post=E, post_ok=(302,), audited=True),
    "changes/propose/batch/": Access(post=E, post_ok=(302,), audited=True),
    "changes/propose/revert/": Access(post=E, post_ok=(302,), audited=True),
    "changes/propose/promote/": Access(post=E, post_ok=(302, 404), audited=True),
    "changes/propose/<str:ref>/": Access(post=E, post_ok=(302,), audited=True),
    "changes/propose/<str:ref>/sources/<int:source_id>/": Access(
        post=E, post_ok=(302,), audited=True
    ),
    "changes/schedule/<str:ref>/": Access(post=E, post_ok=(302,), audited=True),
    "changes/scheduled/": Access(get=V),
    # Webhooks and service tokens (notify): admins only; configuration changes are audited
    # (tests/notify/). No endpoint has the matrix's pk: 404 for admins, 403 for the others.
    "integrations/webhooks/": Access(get=A, post=A, post_ok=(200, 400)),
    "integrations/webhooks/<int:pk>/": Access(get=A, post=A, ok=(404,), post_ok=(404,)),
    "integrations/webhooks/<int:pk>/<str:action>/": Access(post=A, post_ok=(404,)),
    "integrations/deliveries/": Access(get=A),
    "integrations/deliveries/redeliver/": Access(post=A, post_ok=(302,)),
    "integrations/tokens/": Access(get=A, post=A, post_ok=(200, 400)),
    "integrations/tokens/<int:pk>/revoke/": Access(post=A, post_ok=(404,)),
    "audit/export.jsonl": Access(get=V),
    # The SIEM's stream takes a service token, not a session: 401 to everyone without one.
    "audit/stream/": Access(public=True, get=V, ok=(401,)),
}
# Django admin checks staff status itself: see test_django_admin_is_for_admins_only.
FAMILIES = ("admin/",)


@pytest.fixture
def world(two_small_domains, make_user) -> dict[str, Any]:
    """The small catalogue mirrored locally on both demo domains (production with BNP Paribas
    disabled, so there is a difference to promote), plus one batch in the audit log."""
    small_catalogue = two_small_domains["demo-sandbox"]
    bnp = small_catalogue[0]
    get_client("demo-production").update_connector(bnp["uuid"], hidden=True)
    refresh_every_domain()
    result = batch_execute(
        actor=make_user("editor", username="matrix-setup"),
        uuids=[small_catalogue[1]["uuid"]],
        enabled=False,
        reason="matrix setup",
        confirm_count=None,
        request_meta=None,
    )
    proposal = change_request_propose(
        actor=make_user("editor", username="matrix-proposer"),
        kind=ChangeRequest.Kind.CONNECTOR,
        wishes=[Wish(small_catalogue[3]["uuid"], True, False)],
        reason="matrix setup",
        request_meta=None,
    )
    return {
        "kwargs": {
            "request_id": proposal.pk,
            "ref": bnp["uuid"],
            "source_id": bnp["sources"][0]["id"],
            "batch_id": result.batch_id,
            "pk": AuditEntry.objects.latest("seq").pk,
            "connector_uuid": bnp["uuid"],
            "action": "rotate",
        },
        "post": {
            "enabled": "0",
            "seen_hidden": "0",
            "seen_disabled": "0",
            "reason": "access matrix",
            "uuids": [bnp["uuid"]],
            "selection": bnp["uuid"],
            "source": "demo-sandbox",
            "target": "demo-production",
            "enable": bnp["uuid"],
            "confirm_domain": "demo-production",
        },
    }


# Pages of a record of one domain, opened under another domain's prefix, send the browser to
# the record's own domain.
ON_THEIR_DOMAIN = ("changes/revert/", "changes/requests/<int:request_id>/")


def dashboard_routes() -> list[Route]:
    return [r for r in project_routes() if not r.route.startswith(FAMILIES)]


def test_every_route_is_in_the_matrix():
    routes = {r.route for r in dashboard_routes()}
    assert routes - MATRIX.keys() == set(), "new URL: add its access rule to MATRIX"
    assert MATRIX.keys() - routes == set(), "MATRIX lists a URL that no longer exists"


def test_no_sandbox_api_is_mounted_on_the_dashboard():
    assert not [r.route for r in project_routes() if "2.0" in r.route or "sandbox" in r.route]


def expected(access: Access, role: str, method: str) -> tuple[int, ...]:
    """Allowed statuses for one cell of the matrix."""
    if access.sso:
        return (404,)
    minimum = {"GET": access.get, "POST": access.post}.get(method)
    if access.any_method and method not in ("GET", "POST"):
        minimum = access.get
    if role == "anonymous":
        if access.public and minimum is not None:
            return access.ok if method == "GET" else access.post_ok
        return (405,) if access.public else (302,)
    if access.sends_signed_in_on:
        return (302,)
    if role == "norole" and not (access.roleless or access.public):
        return (403,)
    level = max(LEVEL[role], Role.VIEWER) if role == "norole" else LEVEL[role]
    if minimum is None:
        weakest = min((r for r in (access.get, access.post) if r is not None), default=A)
        return (405,) if level >= weakest else (403, 405)
    if level < minimum:
        return (403,)
    return access.ok if method == "GET" else access.post_ok


def call(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    if method == "POST":
        return client.post(url, data)
    return client.generic(method, url)


# Every URL also exists under each domain: the same rules hold there (roles per domain are in
# test_access_per_domain).
DOMAIN_PREFIXES = ("", "/d/demo-production")


@pytest.mark.parametrize("prefix", DOMAIN_PREFIXES, ids=("default", "production"))
@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: r or "root")
def test_access(route: str, role: str, prefix: str, world, client_for):
    [match] = [r for r in dashboard_routes() if r.route == route]
    access = MATRIX[route]
    kwargs = dict(world["kwargs"])
    if prefix:  # integer ids are per domain: the same source has another id on production
        kwargs["source_id"] += ID_SPACING
    url = prefix + (
        reverse(match.reverse_name, kwargs={k: kwargs[k] for k in route_kwargs(match)})
        if match.reverse_name
        else "/" + route
    )
    client = client_for(role)
    for method in METHODS:
        before, syncs = sandbox_state(), CatalogueSync.objects.count()
        refusals = AuditEntry.objects.filter(outcome=Outcome.REFUSED).count()
        response = call(client, method, url, world["post"])
        allowed = expected(access, role, method)
        if prefix and route.startswith(ON_THEIR_DOMAIN) and allowed == (200,):
            allowed = (302,)  # the world's entries and request are the sandbox's: shown there
            assert response["Location"].startswith("/d/demo-sandbox/changes/")
        assert response.status_code in allowed, (method, url, response.status_code)
        assert response.status_code != 500
        if role == "anonymous" and response.status_code == 302 and not access.public:
            assert response["Location"] == LOGIN_NEXT + url
        if response.status_code in (403, 405) or allowed == (302,) and role == "anonymous":
            # Refused: nothing reached Powens and no refresh ran.
            assert sandbox_state() == before, (method, url)
            assert CatalogueSync.objects.count() == syncs
        if access.audited and method == "POST" and role != "anonymous" and allowed == (403,):
            refused = AuditEntry.objects.filter(outcome=Outcome.REFUSED)
            assert refused.count() == refusals + 1
            entry = refused.latest("seq")
            assert entry.actor_username == f"trust-{role}"
            assert entry.error_code == "forbidden"
            assert entry.request_id == response["X-Request-ID"]


ADMIN_KWARGS = {"app_label": "auth", "content_type_id": "1", "url": "nope"}


def admin_urls(user_pk: int, entry_pk: int) -> list[str]:
    urls = []
    for route in project_routes():
        if not route.route.startswith("admin/"):
            continue
        kwargs = dict(ADMIN_KWARGS)
        object_id = entry_pk if "audit" in route.route else user_pk
        kwargs.update(object_id=str(object_id), id=str(user_pk))
        names = route_kwargs(route)
        if route.reverse_name:
            urls.append(reverse(route.reverse_name, kwargs={k: kwargs[k] for k in names}))
        else:  # the admin's redirects from <id>/ to <id>/change/
            urls.append("/" + route.route.replace("<path:object_id>", str(object_id)))
    return urls


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_django_admin_is_for_admins_only(role, world, client_for, make_user):
    client = client_for(role)
    victim = make_user("viewer", username="admin-matrix-victim")
    entries = AuditEntry.objects.count()
    for url in admin_urls(victim.pk, world["kwargs"]["pk"]):
        for method in METHODS:
            response = call(client, method, url, {"username": "pwned", "is_superuser": "on"})
            assert response.status_code != 500, (method, url)
            if role == "admin":
                continue
            if url == "/admin/login/":
                # The admin's own sign-in form (throttled like ours); nothing else is open.
                assert response.status_code in (200, 302, 405), (method, url)
            else:
                assert response.status_code == 302, (method, url, response.status_code)
                location = response["Location"]
                # Admin logout sends a non-staff user to the admin index, which sends to login;
                # its password change is ours, open to every signed-in user.
                assert (
                    location.startswith(("/admin/login/?next=", LOGIN_NEXT))
                    or (url == "/admin/logout/" and location == "/admin/")
                    or (role != "anonymous" and location == reverse("password_change"))
                ), (method, url, location)
    victim.refresh_from_db()
    assert victim.username == "admin-matrix-victim" and not victim.is_superuser
    assert AuditEntry.objects.count() == entries  # admin can neither edit nor delete history
