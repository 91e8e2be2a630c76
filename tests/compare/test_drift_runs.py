"""The comparison page's "Scheduled drift check" section: the pair's last runs (when, how
many differences, new, resolved, the entry that notified them), or where to see them."""

from datetime import UTC, datetime, timedelta

from connectors_ui.catalogue.drift import domain_drift_check
from tests.catalogue.test_drift import _load, differing  # noqa: F401 - fixture
from tests.fixtures.domains import PRODUCTION, SANDBOX

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _section(page: str) -> str:
    return page[page.index('id="drift-runs"') :]


def test_the_page_lists_the_pairs_last_runs(differing, viewer_client):  # noqa: F811
    first = domain_drift_check(now=NOW)
    production = differing[PRODUCTION]
    production[2]["hidden"] = not production[2]["hidden"]
    _load({PRODUCTION: production})
    domain_drift_check(now=NOW + timedelta(hours=1))

    page = viewer_client.get(f"/compare/?source={SANDBOX}&target={PRODUCTION}").content.decode()
    section = _section(page)
    assert "every hour" in section
    rows = section.split("<tr>")[2:]
    assert [row.count("<td>") for row in rows] == [6, 6]
    newest, oldest = rows
    assert "#2" in newest and "2026-12-01 10:00 UTC" in newest and "nothing new" in newest
    assert "<td>2</td><td>0</td><td>1</td>" in newest  # 2 differences, 0 new, 1 resolved
    assert "<td>3</td><td>3</td><td>0</td>" in oldest
    assert f'href="/audit/{first.entry_id}/"' in oldest


def test_the_reversed_pair_shows_the_runs_too(differing, viewer_client):  # noqa: F811
    domain_drift_check(now=NOW)
    page = viewer_client.get(f"/compare/?source={PRODUCTION}&target={SANDBOX}").content.decode()
    assert "<td>#1</td>" in _section(page)


def test_another_pair_links_to_the_checked_one(differing, viewer_client, settings):  # noqa: F811
    settings.POWENS_SANDBOX_DOMAINS = [SANDBOX, PRODUCTION, "demo-staging"]
    domain_drift_check(now=NOW)
    page = viewer_client.get(f"/compare/?source={SANDBOX}&target=demo-staging").content.decode()
    section = _section(page)
    assert f'href="/compare/?source={SANDBOX}&amp;target={PRODUCTION}"' in section
    assert "<td>#1</td>" not in section


def test_no_run_yet_and_the_check_off_say_so(two_small_domains, viewer_client, settings):
    assert "No run yet" in _section(viewer_client.get("/compare/").content.decode())
    settings.DRIFT_PAIR = ("off",)
    assert "Off: no pair" in _section(viewer_client.get("/compare/").content.decode())


def test_the_audit_entry_links_to_the_comparison(differing, viewer_client):  # noqa: F811
    entry = domain_drift_check(now=NOW).entry
    page = viewer_client.get(f"/audit/{entry.pk}/").content.decode()
    assert f'href="/compare/?source={SANDBOX}&amp;target={PRODUCTION}"' in page
    assert "3 new differences between" in page
    assert "listed on demo-sandbox only" in page
