"""Compare two domains from their local copies: what differs, filters, counts and the CSV with
the same rows; no upstream call."""

import csv
import io

from connectors_ui.compare.selectors import CompareQuery, compare_domains
from connectors_ui.powens.client import call_count, reset_call_count
from sandbox.variants import _absent, _flip_hidden, _flip_source
from tests.fixtures.domains import PRODUCTION, SANDBOX


def _expected(connectors):
    """The differences the demo variant makes, by kind (sandbox = source)."""
    kinds = {"only_source": set(), "state": set(), "sources": set()}
    for position, c in enumerate(connectors):
        if _absent(position):
            kinds["only_source"].add(c["uuid"])
        elif _flip_hidden(position):
            kinds["state"].add(c["uuid"])
        if not _absent(position) and _flip_source(position) and c.get("sources"):
            kinds["sources"].add(c["uuid"])
    return kinds


def test_the_differences_of_the_demo_domains(two_domains):
    comparison = compare_domains(CompareQuery(source=SANDBOX, target=PRODUCTION))
    found = {
        kind: {d.uuid for d in comparison.rows if d.kind == kind} for kind in comparison.counts
    }
    expected = _expected(two_domains[SANDBOX])
    assert found["only_source"] == expected["only_source"]
    assert found["state"] == expected["state"]
    assert found["sources"] == expected["sources"]
    assert len(found["only_target"]) == 2  # the two production-only connectors
    assert comparison.total == sum(comparison.counts.values()) == len(comparison.rows)
    state = next(d for d in comparison.rows if d.kind == "state")
    assert state.promotable and state.source_hidden != state.target_hidden


def test_filters_narrow_rows_and_counts(two_domains):
    everything = compare_domains(CompareQuery(source=SANDBOX, target=PRODUCTION))
    german = compare_domains(CompareQuery(source=SANDBOX, target=PRODUCTION, country="de"))
    assert 0 < len(german.rows) < len(everything.rows)
    only_state = compare_domains(CompareQuery(source=SANDBOX, target=PRODUCTION, kind="state"))
    assert {d.kind for d in only_state.rows} == {"state"}
    assert only_state.counts == everything.counts  # the kind filter leaves the counts whole


def test_swapping_source_and_target_swaps_one_sided_rows(two_domains):
    forward = compare_domains(CompareQuery(source=SANDBOX, target=PRODUCTION))
    backward = compare_domains(CompareQuery(source=PRODUCTION, target=SANDBOX))
    assert forward.counts["only_source"] == backward.counts["only_target"]
    assert forward.counts["state"] == backward.counts["state"]


def test_the_page_and_its_csv_have_the_same_rows_and_call_nothing(two_domains, viewer_client):
    reset_call_count()
    query = f"source={SANDBOX}&target={PRODUCTION}&kind=state"
    page = viewer_client.get(f"/compare/?{query}").content.decode()
    response = viewer_client.get(f"/compare/export.csv?{query}")
    body = b"".join(response.streaming_content).decode()
    assert call_count() == 0
    rows = list(csv.DictReader(io.StringIO(body)))
    comparison = compare_domains(CompareQuery(source=SANDBOX, target=PRODUCTION, kind="state"))
    assert [r["uuid"] for r in rows] == [d.uuid for d in comparison.rows]
    assert {r["domain"] for r in rows} == {PRODUCTION}
    assert {r["difference"] for r in rows} == {"state"}
    for row in rows[:3]:
        assert row["name"] in page
    assert "Enabled on one, disabled on the other" in page


def test_an_unknown_domain_is_ignored_and_anonymous_users_sign_in(
    two_domains, viewer_client, client
):
    page = viewer_client.get("/compare/?source=nope").content.decode()
    assert '<option value="demo-sandbox" selected>' in page  # the default pair
    assert client.get("/compare/").status_code == 302
