"""Property-based: whatever the query string or form, parsers and views never fail with a 500
and every change attempt leaves exactly one audit entry (or, once its account and address have
spent their burst of refusals, one count towards a summary entry: ``audit.flood``)."""

from urllib.parse import urlencode

import pytest
from django.db.models import Sum
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.forms import AuditFilterForm
from audit.models import AuditEntry, RefusalTally
from connectors_ui.catalogue.forms import ConnectorFilterForm
from connectors_ui.catalogue.selectors import catalogue_status, connector_search
from connectors_ui.changes.forms import BatchConfirmForm, ConnectorToggleForm, SourceToggleForm

CATALOGUE_KEYS = [*ConnectorFilterForm.base_fields, "excel", "format", "connector"]
AUDIT_KEYS = list(AuditFilterForm.base_fields) + ["page"]
text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)
interesting = st.sampled_from(
    ["", "0", "1", "-1", "yes", "no", "fr", "FR", "bank", "-name", "name", "9" * 30, "2024-02-30",
     "1e9", "NaN", "%", "\x00", "<script>", "' OR 1=1 --", "f711dd7a-6289-5bda-b3a4-f2febda8c046"]
)  # fmt: skip
values = st.one_of(text, interesting)


def pairs(keys: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    key = st.one_of(st.sampled_from(keys), text)
    return st.lists(st.tuples(key, values), max_size=12)


def querydict(items: list[tuple[str, str]]) -> QueryDict:
    return QueryDict(urlencode(items), mutable=False)


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(items=pairs(CATALOGUE_KEYS))
def test_connector_filter_form_always_yields_a_query(small_catalogue, items):
    status = catalogue_status()
    form = ConnectorFilterForm(querydict(items), status=status)
    form.is_valid()
    result = connector_search(form.query(), page=form.page_number(), status=status)
    assert result.total >= 0


@SETTINGS
@given(items=pairs(AUDIT_KEYS))
def test_audit_filter_form_reports_instead_of_failing(db, items):
    filters = AuditFilterForm(querydict(items)).filters()
    assert set(filters) <= set(AuditFilterForm.base_fields)


@SETTINGS
@given(items=pairs(CATALOGUE_KEYS), htmx=st.booleans())
def test_list_and_export_views_never_fail(small_catalogue, viewer_client, items, htmx):
    query = urlencode(items)
    headers = {"HX-Request": "true"} if htmx else {}
    assert viewer_client.get(f"/connectors/?{query}", headers=headers).status_code in (200, 302)
    # 404: a `connector=` naming no connector (an invalid one included).
    assert viewer_client.get(f"/connectors/export.csv?{query}").status_code in (200, 400, 404)


@SETTINGS
@given(items=pairs(AUDIT_KEYS), htmx=st.booleans())
def test_audit_views_never_fail(small_catalogue, viewer_client, items, htmx):
    query = urlencode(items)
    headers = {"HX-Request": "true"} if htmx else {}
    assert viewer_client.get(f"/audit/?{query}", headers=headers).status_code == 200
    assert viewer_client.get(f"/audit/export.csv?{query}").status_code in (200, 400)


@pytest.mark.parametrize("form", [ConnectorToggleForm, SourceToggleForm, BatchConfirmForm])
@SETTINGS
@given(items=pairs(["enabled", "seen_hidden", "seen_disabled", "reason", "confirm_count"]))
def test_change_forms_parse_anything_into_values_or_none(form, items):
    values = form(querydict(items)).values()
    assert set(values) == set(form.base_fields)


@SETTINGS
@given(
    items=pairs(["enabled", "seen_hidden", "reason", "where", "next"]),
    target=st.sampled_from([0, 1, 2, 4]),
)
def test_every_connector_change_post_is_answered_and_recorded_once(
    small_catalogue, editor_client, items, target
):
    uuid = small_catalogue[target]["uuid"]
    before = recorded_attempts()
    response = editor_client.post(f"/connectors/{uuid}/state/", querydict(items))
    assert response.status_code in (200, 302)
    assert recorded_attempts() == before + 1


def recorded_attempts() -> int:
    """Entries, plus refusals counted for a summary entry (the examples share one client)."""
    counted = RefusalTally.objects.aggregate(counted=Sum("counted"))["counted"] or 0
    return AuditEntry.objects.count() + counted


@SETTINGS
@given(
    items=pairs(["enabled", "uuids", "selection", "reason", "confirm_count", "select_all", "query"])
)
def test_batch_posts_never_fail(small_catalogue, editor_client, items):
    for url in ("/changes/batch/preview/", "/changes/batch/apply/"):
        assert editor_client.post(url, querydict(items)).status_code in (200, 302, 400)
