"""A stale copy queues a refresh for the worker from any signed-in page; the banner says it is
refreshing, polls while it runs and says how it ended; "out of date" only when no refresh could
start."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from connectors_ui.catalogue import sync as service
from connectors_ui.models import CatalogueState, CatalogueSync
from sandbox import backend
from tests.catalogue.conftest import finish_refresh

BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"
POLL = "/connectors/freshness/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def age_copy(minutes):
    sync = CatalogueState.objects.get().last_success
    CatalogueSync.objects.filter(pk=sync.pk).update(
        finished_at=timezone.now() - timedelta(minutes=minutes)
    )


def poll_url(html):
    """The URL the banner polls, or None when it does not poll."""
    found = re.search(r'hx-get="([^"]+)" hx-trigger="every 3s"', html)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/connectors/", "/audit/"])
def test_the_page_that_starts_a_refresh_says_refreshing_and_polls_until_done(
    small_catalogue, viewer_client, queued_refresh, path
):
    age_copy(25)
    page = viewer_client.get(path).content.decode()
    assert "Refreshing the catalogue from Powens… The copy shown was refreshed 25" in page
    assert "out of date" not in page
    url = poll_url(page)
    since = CatalogueState.objects.get().last_success_id
    assert url == f"{POLL}?since={since}&next={path.replace('/', '%2F')}"
    assert viewer_client.get(url, **HTMX).status_code == 204  # still running: nothing to swap
    backend.set_connector_hidden(BNP, True)
    finish_refresh(queued_refresh)
    done = viewer_client.get(url, **HTMX)
    html = done.content.decode()
    assert done.status_code == 200 and poll_url(html) is None  # polling stops
    assert re.search(
        r"Catalogue refreshed just now: 7 connectors, 0 added, 0 removed, 1 changed, 0 restored\."
        rf'\s*<a href="{path}">Reload the page</a>',
        html,
    )
    assert "Refreshing" not in html and "out of date" not in html
    assert CatalogueSync.objects.get(trigger="auto").status == "success"


@pytest.mark.django_db(transaction=True)
def test_a_refresh_that_changed_nothing_just_clears_the_banner(
    small_catalogue, viewer_client, queued_refresh
):
    age_copy(25)
    url = poll_url(viewer_client.get("/audit/").content.decode())
    finish_refresh(queued_refresh)
    html = viewer_client.get(url, **HTMX).content.decode()
    assert 'class="banner' not in html and poll_url(html) is None
    assert re.search(r"Catalogue refreshed <time [^>]*>just now</time>", html)


@pytest.mark.django_db(transaction=True)
def test_a_fresh_copy_starts_nothing_and_does_not_poll(
    small_catalogue, viewer_client, queued_refresh
):
    html = viewer_client.get("/audit/").content.decode()
    assert not DBTaskResult.objects.exists()  # nothing queued
    assert poll_url(html) is None and 'class="banner' not in html


def test_an_audit_page_refreshes_a_stale_copy(small_catalogue, viewer_client, settings):
    settings.CATALOGUE_AUTO_REFRESH = "worker"
    age_copy(25)
    html = viewer_client.get("/audit/").content.decode()
    assert CatalogueSync.objects.get(trigger="auto").status == "success"
    assert "out of date" not in html and 'class="banner' not in html
    assert re.search(r"Catalogue refreshed <time [^>]*>just now</time>", html)


def test_an_account_without_a_role_starts_no_refresh(small_catalogue, make_user, settings):
    settings.CATALOGUE_AUTO_REFRESH = "worker"
    age_copy(25)
    client = Client()
    client.force_login(make_user(None, username="no-role"))
    assert client.get("/audit/").status_code == 403
    assert not CatalogueSync.objects.filter(trigger="auto").exists()


def test_a_failed_refresh_says_why_and_when_it_is_tried_again(
    small_catalogue, viewer_client, settings, faults
):
    settings.CATALOGUE_AUTO_REFRESH = "worker"
    age_copy(25)
    faults.inject("status", endpoint="E1", status=503, count=10)
    html = viewer_client.get("/audit/").content.decode()
    banner = re.search(r'<p class="banner banner-error"[^>]*>(.*?)</p>', html, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", "", banner).split())
    failed = CatalogueSync.objects.get(trigger="auto", status="failed")
    retry = failed.started_at + timedelta(seconds=settings.CATALOGUE_RETRY_AFTER)
    assert text == (
        "Last catalogue refresh failed just now: Powens unavailable: HTTP 503 "
        f"{failed.error.split('HTTP 503 ', 1)[1]} — showing the copy refreshed 25 minutes ago, "
        f"which is out of date. Next automatic try after "
        f"{retry:%H:%M:%S} UTC."
    )
    assert poll_url(html) is None


def test_out_of_date_says_that_automatic_refresh_is_off(small_catalogue, viewer_client):
    age_copy(25)  # tests run with CATALOGUE_AUTO_REFRESH = "off"
    html = viewer_client.get("/audit/").content.decode()
    assert (
        "The catalogue copy is out of date: refreshed 25\xa0minutes ago, longer than the "
        "10-minute refresh interval, and automatic refresh is off." in html
    )
    assert poll_url(html) is None


def test_the_status_fragment_alone_keeps_its_page_and_refuses_other_sites(
    small_catalogue, viewer_client
):
    backend.set_connector_hidden(BNP, True)
    before = CatalogueState.objects.get().last_success_id
    service.catalogue_refresh(trigger="manual")
    html = viewer_client.get(POLL, {"since": before, "next": "/audit/?page=2"}).content.decode()
    assert html.lstrip().startswith("<div") and "<html" not in html
    assert '<a href="/audit/?page=2">Reload the page</a>' in html
    assert 'name="next" value="/audit/?page=2"' not in html  # viewers get no Refresh button
    html = viewer_client.get(POLL, {"since": "<x>", "next": "//evil.example/"}).content.decode()
    assert "evil.example" not in html and "&lt;x&gt;" not in html
    assert '<a href="/connectors/">Reload the page</a>' in html


def test_a_first_load_offers_the_new_copy(small_sandbox, viewer_client):
    html = viewer_client.get(POLL, {"since": "", "next": "/connectors/"}).content.decode()
    assert "never been loaded" in html
    service.catalogue_refresh(trigger="manual")
    html = viewer_client.get(POLL, {"since": "", "next": "/connectors/"}).content.decode()
    assert "Catalogue refreshed just now: 7 connectors, 7 added, 0 removed" in html


@pytest.mark.django_db(transaction=True)
def test_a_queued_refresh_is_noted_on_its_domain_and_queued_once(
    small_catalogue, viewer_client, queued_refresh
):
    """The note on the state row is what says "refreshing" until the worker starts it: the
    next pages queue nothing more, and the note goes once the refresh runs."""
    age_copy(25)
    for _ in range(3):
        assert poll_url(viewer_client.get("/connectors/").content.decode()) is not None
    assert DBTaskResult.objects.count() == 1
    assert CatalogueState.objects.get().refresh_queued_at is not None
    finish_refresh(queued_refresh)
    assert CatalogueState.objects.get().refresh_queued_at is None
    assert poll_url(viewer_client.get("/connectors/").content.decode()) is None


@pytest.mark.django_db(transaction=True)
def test_a_list_page_costs_four_queries_with_the_worker_queue(
    small_catalogue, viewer_client, queued_refresh
):
    """Issue 16: the session, the user with its role, the copy's state row, the page's rows.
    Neither the queue (a refresh waiting is noted on the state row) nor the worker banner
    (read once per period) adds one."""
    viewer_client.get("/connectors/")
    with CaptureQueriesContext(connection) as queries:
        assert viewer_client.get("/connectors/").status_code == 200
    assert len(queries) == 4, [q["sql"][:80] for q in queries]
