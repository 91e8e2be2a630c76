"""The list's rows and their HTML, held with the copy of the index that read them
(``catalogue.list_rows``), and the state row's syncs held once finished
(``catalogue.state_read``): what a page shows must stay what the database says."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, Outcome
from audit.services import Intent, Result, Target, audit_record_intents, audit_record_outcomes
from connectors_ui.catalogue.forms import ConnectorFilterForm
from connectors_ui.catalogue.mirror import catalogue_apply_connector
from connectors_ui.models import CatalogueConnector, CatalogueState, CatalogueSync
from connectors_ui.powens import get_client
from tests.fixtures.domains import SANDBOX

BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"


def _list(client, **params) -> str:
    answer = client.get(reverse("connector_list"), params)
    assert answer.status_code == 200
    return answer.content.decode()


def _tbody(page: str) -> str:
    return page[page.index("<tbody>") : page.index("</tbody>")]


def _row(page: str, uuid: str) -> str:
    start = page.index(f'href="/connectors/{uuid}/"')
    return page[start : page.index("</tr>", start)]


def test_a_page_seen_again_reads_no_row_data_and_shows_the_same_rows(
    viewer_client, small_catalogue
):
    first = _list(viewer_client)
    with CaptureQueriesContext(connection) as queries:
        again = _list(viewer_client)
    assert _tbody(again) == _tbody(first)
    sql = " ".join(query["sql"] for query in queries)
    assert '"countries"' not in sql and '"products"' not in sql  # only the flags were read


def test_a_change_left_unknown_shows_on_a_row_already_held(editor_client, small_catalogue):
    assert "state unknown" not in _row(_list(editor_client), BNP)
    intent = Intent(Action.CONNECTOR_DISABLE, Target(BNP, "BNP Paribas"), before={}, after={})
    [entry] = audit_record_intents(
        actor=None, intents=[intent], reason="test", request_meta=None
    ).entries
    audit_record_outcomes([(entry, Result(Outcome.UNKNOWN, error_message="lost"))])
    assert "state unknown" in _row(_list(editor_client), BNP)


def test_a_write_shows_on_the_next_page_though_the_row_was_held(viewer_client, small_catalogue):
    assert "disabled on this domain" not in _row(_list(viewer_client), BNP)
    catalogue_apply_connector(get_client().update_connector(BNP, hidden=True))
    assert "disabled on this domain" in _row(_list(viewer_client), BNP)


def test_a_search_s_former_name_stays_with_that_search(
    viewer_client, load_connectors, make_connector
):
    bank = make_connector("Boursorama Banque")
    load_connectors([bank, make_connector("Banque Populaire")])
    load_connectors([{**bank, "name": "BoursoBank"}, make_connector("Banque Populaire")])
    _list(viewer_client)  # the rows held, before the search marks one
    assert "formerly Boursorama Banque" in _list(viewer_client, q="boursorama")
    assert "formerly" not in _list(viewer_client)


def test_for_how_long_moves_on_with_the_clock(viewer_client, small_catalogue, monkeypatch):
    since = timezone.now() - timedelta(minutes=5, seconds=30)
    CatalogueConnector.objects.filter(uuid=BNP).update(
        stability_status="unstable", stability_since=since
    )
    assert "for 5 minutes" in _row(_list(viewer_client), BNP)
    later = timezone.now() + timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "for 7 minutes" in _row(_list(viewer_client), BNP)


def test_a_row_held_for_the_plain_url_links_under_a_domain_url_there(
    viewer_client, small_catalogue
):
    """The default domain is listed at /connectors/ and at /d/<name>/connectors/."""
    assert f'href="/connectors/{BNP}/"' in _list(viewer_client)
    page = viewer_client.get(f"/d/{SANDBOX}/connectors/").content.decode()
    assert f'href="/d/{SANDBOX}/connectors/{BNP}/"' in page
    assert f'href="/connectors/{BNP}/"' not in page


def test_an_attempt_seen_running_shows_how_it_ended(viewer_client, small_catalogue):
    running = CatalogueSync.objects.create(trigger="manual")
    CatalogueState.objects.update(last_attempt=running)
    assert "Last catalogue refresh failed" not in _list(viewer_client)
    CatalogueSync.objects.filter(pk=running.pk).update(
        status=CatalogueSync.Status.FAILED, finished_at=timezone.now(), error="Powens said no"
    )
    page = _list(viewer_client)
    assert re.search(r"Last catalogue refresh failed .*Powens said no", page, re.S)


@pytest.mark.parametrize("role_client", ["viewer_client", "editor_client"])
def test_each_role_gets_its_own_rows(request, role_client, small_catalogue):
    client = request.getfixturevalue(role_client)
    _list(client)
    checkbox = 'name="uuids"' in _tbody(_list(client))
    assert checkbox == (role_client == "editor_client")


def test_the_filter_form_shares_its_fields_and_keeps_its_messages():
    """Built on every list page: its sixteen fields are not copied for each one."""
    form = ConnectorFilterForm(QueryDict("beta=maybe&page=two&sort=colour"))
    assert form.fields["q"] is ConnectorFilterForm.base_fields["q"]
    assert not form.is_valid()
    assert form.errors == {
        "beta": ["“maybe” is not a valid beta filter: use yes or no."],
        "page": ["The page must be a number: showing page 1."],
        "sort": ["Unknown sort “colour”: sorted by name."],
    }
