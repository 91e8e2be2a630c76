"""The audit log's "accounts" filter, and account events linking to the account."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.models import Action
from audit.services import audit_record_export
from tests.accounts.support import account_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed_log(make_user, admin_user):
    """An export (no account event) and, for one account, a role change and a deletion."""
    audit_record_export(actor=admin_user, report="connectors", query_string="", row_count=3)
    kept = make_user(None, username="kept-account")
    kept.groups.add(Group.objects.get(name="viewer"))
    gone = make_user(None, username="gone-account")
    gone.groups.add(Group.objects.get(name="viewer"))
    gone.delete()
    return kept


def test_the_accounts_filter_lists_account_events_only(viewer_client, mixed_log):
    html = viewer_client.get(reverse("audit:log"), {"action": "accounts"}).content.decode()
    assert "<strong>3</strong> entries" in html  # two role changes and one deletion
    assert "<td>Add role</td>" in html and "<td>Delete account</td>" in html
    assert "<td>CSV export</td>" not in html
    every = viewer_client.get(reverse("audit:log")).content.decode()
    assert "<strong>4</strong> entries" in every


def test_one_account_action_filters_too_and_a_bad_one_is_ignored(viewer_client, mixed_log):
    role_only = viewer_client.get(reverse("audit:log"), {"action": Action.ROLE_ADD})
    assert "<strong>2</strong> entries" in role_only.content.decode()
    bad = viewer_client.get(reverse("audit:log"), {"action": "account_everything"})
    page = bad.content.decode()
    assert bad.status_code == 200 and "is not an action the log records" in page


def test_rows_and_the_entry_page_link_to_the_account(viewer_client, mixed_log):
    link = f'href="/admin/auth/user/{mixed_log.pk}/change/">kept-account</a>'
    assert link in viewer_client.get(reverse("audit:log")).content.decode()
    entry = account_events(Action.ROLE_ADD)[0]
    page = viewer_client.get(reverse("audit:entry", args=[entry.pk])).content.decode()
    assert link in page
    # The before → after diff: [] → ["viewer"].
    assert '<th scope="row">roles</th><td><code>[]</code></td>' in page
    assert "<code>[&quot;viewer&quot;]</code>" in page


def test_a_deleted_account_is_named_without_a_dead_link(viewer_client, mixed_log):
    html = viewer_client.get(reverse("audit:log"), {"action": Action.ACCOUNT_DELETE}).content
    assert "gone-account <span" in html.decode()
    assert "/admin/auth/user/" not in html.decode().split("<tbody>")[1]


def test_the_link_opens_the_account_for_an_admin(admin_client, mixed_log):
    assert admin_client.get(f"/admin/auth/user/{mixed_log.pk}/change/").status_code == 200
