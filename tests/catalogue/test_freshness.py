"""Freshness line, staleness banner and the automatic refresh that never makes a page wait."""

import re
from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from connectors_ui.catalogue import sync as service
from connectors_ui.catalogue.tasks import catalogue_refresh_if_stale
from connectors_ui.models import CatalogueState, CatalogueSync
from connectors_ui.powens.client import call_count, reset_call_count


def age_copy(minutes):
    sync = CatalogueState.objects.get().last_success
    CatalogueSync.objects.filter(pk=sync.pk).update(
        finished_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_fresh_copy_shows_when_it_was_refreshed_and_no_banner(viewer_client, small_catalogue):
    html = viewer_client.get("/connectors/").content.decode()
    assert "Catalogue refreshed <time" in html and "out of date" not in html
    assert 'class="banner' not in html


def test_stale_copy_shows_a_banner_saying_why(viewer_client, small_catalogue):
    age_copy(25)
    html = viewer_client.get("/connectors/").content.decode()
    assert "The catalogue copy is out of date: refreshed 25\xa0minutes ago" in html
    assert "longer than the 10-minute refresh interval" in html


def test_interval_is_said_in_its_largest_whole_unit(viewer_client, small_catalogue, settings):
    settings.CATALOGUE_REFRESH_INTERVAL = 7200
    age_copy(150)
    assert "the 2-hour refresh interval" in viewer_client.get("/connectors/").content.decode()
    settings.CATALOGUE_REFRESH_INTERVAL = 90
    assert "the 90-second refresh interval" in viewer_client.get("/connectors/").content.decode()


def test_a_copy_refreshed_seconds_ago_reads_just_now(viewer_client, small_catalogue):
    html = viewer_client.get("/connectors/").content.decode()
    assert re.search(r"Catalogue refreshed <time [^>]*>just now</time>", html)
    assert "0\xa0minutes" not in html


def test_failure_banner_reads_for_humans_without_class_names(
    viewer_client, small_catalogue, faults
):
    faults.inject("status", endpoint="E1", status=503, count=10)
    service.catalogue_refresh(trigger="manual")
    html = viewer_client.get("/connectors/").content.decode()
    banner = re.search(r'<p class="banner banner-error"[^>]*>(.*?)</p>', html, re.S).group(1)
    text = " ".join(banner.split())
    assert text.startswith("Last catalogue refresh failed just now: Powens unavailable: HTTP 503")
    assert "— showing the copy refreshed just now." in text
    assert "PowensUnavailable" not in html and "Error" not in text


def test_freshness_shows_on_other_pages_too(viewer_client, small_catalogue):
    age_copy(25)
    assert "out of date" in viewer_client.get("/audit/").content.decode()
    bnp = "/connectors/f711dd7a-6289-5bda-b3a4-f2febda8c046/"
    assert "Catalogue refreshed" in viewer_client.get(bnp).content.decode()


def test_banner_when_a_refresh_is_running(viewer_client, small_catalogue):
    age_copy(25)
    CatalogueState.objects.update(
        lock_token="x", lock_expires_at=timezone.now() + timedelta(minutes=1)
    )
    html = viewer_client.get("/connectors/").content.decode()
    assert "Refreshing the catalogue from Powens… The copy shown was refreshed 25" in html
    assert "out of date" not in html


def test_auto_refresh_is_off_in_tests_by_default(viewer_client, small_catalogue):
    age_copy(25)
    reset_call_count()
    viewer_client.get("/connectors/")
    assert call_count() == 0


def test_stale_copy_is_refreshed_automatically(viewer_client, small_catalogue, settings):
    settings.CATALOGUE_AUTO_REFRESH = "worker"
    viewer_client.get("/connectors/")
    assert not CatalogueSync.objects.filter(trigger="auto").exists()  # fresh: nothing to do
    age_copy(25)
    viewer_client.get("/connectors/")
    sync = CatalogueSync.objects.get(trigger="auto")
    assert sync.status == "success" and CatalogueState.objects.get().last_success == sync


def test_failed_auto_refresh_is_not_retried_at_once(
    viewer_client, small_catalogue, settings, faults
):
    settings.CATALOGUE_AUTO_REFRESH = "worker"
    age_copy(25)
    faults.inject("status", endpoint="E1", status=503, count=50)
    viewer_client.get("/connectors/")
    reset_call_count()
    viewer_client.get("/connectors/")
    assert call_count() == 0
    assert CatalogueSync.objects.filter(trigger="auto", status="failed").count() == 1


def test_auto_refresh_is_queued_for_the_worker_not_run_by_the_page(small_sandbox, queued_refresh):
    status = catalogue_refresh_if_stale()  # never refreshed: stale
    assert status.refreshing and not CatalogueSync.objects.exists()
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY" and queued.task_path.endswith("catalogue_refresh_task")
    assert catalogue_refresh_if_stale().refreshing  # a second page queues nothing more
    assert DBTaskResult.objects.count() == 1
    queued_refresh.run_once()
    assert CatalogueSync.objects.get(trigger="auto").status == "success"
    assert not catalogue_refresh_if_stale().refreshing
