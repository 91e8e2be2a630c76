"""An entry's before/after (issue 10): disabling a source showed its priority going
``0 → null``. POWENS_API.md: a disabled source keeps its ``priority`` (its example lists one
disabled with priority 2), and the sandbox keeps it; the diff read the property the write did
not send as ``null``."""

import html
import re

from django.urls import reverse

from audit.models import AuditEntry
from audit.selectors import audit_entry_diff
from sandbox.backend import get_source


def _diff_rows(page: str) -> dict[str, str]:
    table = page[page.index('<table class="diff">') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<tr( class="changed")?><th scope="row">(\w+)</th>(.*?)</tr>', table)
    return {
        key: ("changed " if changed else "")
        + " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cells)).split())
        for changed, key, cells in rows
    }


def test_disabling_a_source_keeps_its_priority_in_the_diff(editor_client, small_catalogue):
    bnp = small_catalogue[0]
    source = bnp["sources"][0]
    assert source["priority"] == 0 and source["disabled"] is None
    url = reverse("source_state", args=[bnp["uuid"], source["id"]])
    editor_client.post(url, {"enabled": "0", "seen_disabled": "0", "reason": "API down"})

    served = get_source(bnp["uuid"], source["id"])
    assert served["disabled"] is not None and served["priority"] == 0, "the sandbox keeps it"
    entry = AuditEntry.objects.get(action="source_disable")
    assert entry.outcomes.get().observed["priority"] == 0

    page = editor_client.get(reverse("audit:entry", args=[entry.pk])).content.decode()
    rows = _diff_rows(page)
    assert rows["priority"] == "0 0 unchanged (not part of this write)"
    assert rows["disabled"].startswith('changed null "20') and "null" not in rows["priority"]


def test_a_sent_property_set_to_null_is_a_change(db):
    entry = AuditEntry(
        before={"disabled": "2024-03-01 09:12:44", "priority": 2}, after={"disabled": None}
    )
    disabled, priority = audit_entry_diff(entry)
    assert (disabled.after, disabled.changed, disabled.kept) == ("null", True, False)
    assert (priority.before, priority.after, priority.changed, priority.kept) == (
        "2",
        "2",
        False,
        True,
    )
