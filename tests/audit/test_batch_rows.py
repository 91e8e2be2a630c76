"""The audit log shows a batch as one row (issue 10): who, when, why and its counts by
outcome, its entries opening in place without JavaScript; filtered by batch, its entries."""

import re
import uuid

import pytest
from django.urls import reverse

from audit.models import Action, Outcome
from audit.selectors import BATCH_ROWS_SHOWN, audit_log_page
from audit.services import Intent, Result, Target, audit_record_intents, audit_record_outcomes

HTMX = {"HTTP_HX_REQUEST": "true"}


def _batch(actor, size: int, *, failed: int = 0, reason: str = "Quarterly clean-up") -> uuid.UUID:
    """One batch disable of ``size`` connectors, the last ``failed`` of them failed."""
    batch_id = uuid.uuid4()
    intents = [
        Intent(
            Action.BATCH_DISABLE,
            Target(str(uuid.uuid5(batch_id, str(n))), f"{reason} bank {n:02d}"),
            {"hidden": False},
            {"hidden": True},
        )
        for n in range(size)
    ]
    sealed = audit_record_intents(
        actor=actor, intents=intents, reason=reason, request_meta=None, batch_id=batch_id
    ).entries
    outcomes = [Outcome.SUCCEEDED] * (size - failed) + [Outcome.FAILED] * failed
    audit_record_outcomes([(e, Result(o)) for e, o in zip(sealed, outcomes, strict=True)])
    return batch_id


def _single(actor, name: str) -> None:
    intent = Intent(Action.CONNECTOR_ENABLE, Target(str(uuid.uuid4()), name), None, None)
    audit_record_intents(actor=actor, intents=[intent], reason="one-off", request_meta=None)


def _rows(body: str) -> list[str]:
    tbody = body[body.index("<tbody>") : body.index("</tbody>")]
    return re.findall(r"<tr[ >].*?</tr>", tbody, flags=re.S)


@pytest.fixture
def batch_of_33(editor_user, admin_user) -> uuid.UUID:
    _single(admin_user, "Before bank")
    batch_id = _batch(editor_user, 33, failed=3)
    _single(admin_user, "After bank")
    return batch_id


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_a_batch_of_33_is_one_row_with_its_counts(viewer_client, batch_of_33, headers):
    body = viewer_client.get(reverse("audit:log"), **headers).content.decode()
    assert "<strong>35</strong> entries in 3 rows (a batch is one row)" in body
    after, batch, before = _rows(body)
    assert "After bank" in after and "Before bank" in before
    assert 'class="batch-row"' in batch and "Disable connector (batch)" in batch
    assert "editor-user" in batch and "Quarterly clean-up" in batch
    counts = batch[batch.index('class="batch-counts"') :]
    assert re.search(r"30 <span[^>]*>succeeded</span>.*3 <span[^>]*>failed</span>", counts, re.S)
    details = batch[batch.index("<details") : batch.index("</details>")]
    assert "<summary>33 connectors</summary>" in details
    assert details.count("<li>") == 33 and "bank 00" in details and "bank 32" in details
    assert f"?batch={batch_of_33}" in batch


def test_filtered_by_batch_the_log_lists_its_entries(viewer_client, batch_of_33):
    body = viewer_client.get(reverse("audit:log"), {"batch": batch_of_33}, **HTMX).content
    rows = _rows(body.decode())
    assert len(rows) == 33 and not any("batch-row" in row for row in rows)
    assert "<strong>33</strong> entries" in body.decode() and " rows (" not in body.decode()


def test_a_batch_row_counts_only_what_the_filters_match(viewer_client, batch_of_33):
    body = viewer_client.get(reverse("audit:log"), {"outcome": "failed"}).content.decode()
    [batch] = _rows(body)
    assert "<summary>3 connectors</summary>" in batch and "succeeded" not in batch
    assert "<strong>3</strong> entries in 1 row (a batch is one row)" in body


def test_a_large_batch_opens_to_one_page_and_links_to_the_rest(viewer_client, editor_user):
    batch_id = _batch(editor_user, BATCH_ROWS_SHOWN + 5)
    [batch] = _rows(viewer_client.get(reverse("audit:log")).content.decode())
    assert batch.count("<li>") == BATCH_ROWS_SHOWN
    assert f"<summary>{BATCH_ROWS_SHOWN + 5} connectors</summary>" in batch
    assert re.search(rf'href="\?batch={batch_id}"[^>]*>5 more: list all', batch)


def test_pages_count_rows_and_batches_cost_no_query_each(
    editor_user, django_assert_max_num_queries
):
    for n in range(60):
        _single(editor_user, f"Single {n}")
    ids = [_batch(editor_user, size) for size in (2, 7, 40)]
    with django_assert_max_num_queries(5):
        log = audit_log_page({}, "1")
    assert (log.page.paginator.count, log.page.paginator.num_pages, log.entry_count) == (63, 2, 109)
    assert [row.batch.total for row in log.rows if row.batch] == [40, 7, 2]
    assert {row.batch.batch_id for row in log.rows if row.batch} == set(ids)
    assert audit_log_page({}, "2").rows[-1].entry.connector_name == "Single 0"
