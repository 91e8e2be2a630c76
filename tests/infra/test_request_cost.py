"""A signed-in request's fixed cost (issue 16): the session is read, not written, on most
requests, the inactivity expiry still holds, and the role comes with the user in one query."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role, role_of
from accounts.sessions import ACTIVITY_KEY

pytestmark = pytest.mark.django_db


def _session_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def _stamp(client, seconds_ago: int) -> None:
    session = client.session
    session[ACTIVITY_KEY] = int(time.time()) - seconds_ago
    session.save()


def test_a_recent_session_is_read_not_written(viewer_client):
    _stamp(viewer_client, seconds_ago=5)
    expiry = Session.objects.get().expire_date
    with CaptureQueriesContext(connection) as queries:
        assert viewer_client.get("/connectors/").status_code == 200
        assert viewer_client.get("/audit/").status_code == 200
    assert _session_writes(queries) == []
    assert Session.objects.get().expire_date == expiry
    assert settings.SESSION_COOKIE_NAME not in viewer_client.get("/connectors/").cookies


def test_a_session_idle_for_the_touch_interval_is_extended_once(viewer_client):
    _stamp(viewer_client, seconds_ago=settings.SESSION_TOUCH_AFTER)
    Session.objects.update(expire_date=timezone.now() + timedelta(seconds=30))
    with CaptureQueriesContext(connection) as queries:
        response = viewer_client.get("/connectors/")
        viewer_client.get("/connectors/")
    assert len(_session_writes(queries)) == 1
    expected = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((Session.objects.get().expire_date - expected).total_seconds()) < 5
    # The browser's cookie is extended too, so it does not end the session first.
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE


def test_a_session_idle_past_the_limit_is_still_sent_to_login(viewer_client):
    _stamp(viewer_client, seconds_ago=5)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = viewer_client.get("/connectors/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_anonymous_requests_create_no_session(anon_client):
    anon_client.get("/connectors/")
    anon_client.get("/accounts/login/")
    assert not Session.objects.exists()


def test_the_role_is_read_with_the_user_in_one_query(editor_client, editor_user):
    editor_user.groups.add(Group.objects.get(name="viewer"))  # the strongest group wins
    request = RequestFactory().get("/")
    request.session = editor_client.session
    with CaptureQueriesContext(connection) as queries:
        user = get_user(request)
        assert role_of(user) is Role.EDITOR
        assert role_of(user) is Role.EDITOR
    assert len(queries) == 2  # the session, then the user with its role


@pytest.mark.parametrize(
    ("groups", "superuser", "role"),
    [
        ((), False, Role.NONE),
        (("viewer",), False, Role.VIEWER),
        (("admin", "viewer"), False, Role.ADMIN),
        ((), True, Role.ADMIN),
        (("viewer",), True, Role.ADMIN),
    ],
)
def test_the_role_read_with_the_user_is_the_strongest_group_or_admin_for_a_superuser(
    make_user, client, groups, superuser, role
):
    user = make_user(None)
    user.is_superuser = superuser
    user.save()
    user.groups.add(*Group.objects.filter(name__in=groups))
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session = client.session
    loaded = get_user(request)
    assert loaded.pk == user.pk and role_of(loaded) is role


def test_a_role_taken_away_counts_on_the_next_request(editor_client, editor_user):
    assert editor_client.get("/connectors/").status_code == 200
    editor_user.groups.clear()
    assert editor_client.get("/connectors/").status_code == 403


def test_a_deactivated_user_is_not_loaded(viewer_client, viewer_user):
    viewer_user.is_active = False
    viewer_user.save()
    assert viewer_client.get("/connectors/").status_code == 302


@pytest.mark.parametrize("query", ["", "?q=banque&country=fr", "?state=hidden&sort=-name&page=1"])
def test_a_list_page_costs_at_most_four_queries(
    editor_client, catalogue, django_assert_max_num_queries, query
):
    """The session, the user with its role, the catalogue state, the page's rows (badges come
    from the index, each row says in its own query whether its state may be unknown)."""
    # Builds this process's index (and, for a search, its forgiving structures: once per
    # refresh) and stamps the session.
    editor_client.get("/connectors/" + query)
    with django_assert_max_num_queries(4):
        page = editor_client.get("/connectors/" + query)
    assert page.status_code == 200 and "<tr" in page.content.decode()
    with django_assert_max_num_queries(4):
        assert editor_client.get("/connectors/" + query, HTTP_HX_REQUEST="true").status_code == 200
