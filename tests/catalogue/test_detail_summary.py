"""The detail page opens with "why can't my customer connect?" in plain sentences: state,
restriction, sources in the order Powens uses them, auth, stability, last change with who and
why; everything from upstream or from users escaped."""

import html as html_module
import re
from datetime import timedelta

from django.urls import reverse

from connectors_ui.models import CatalogueConnector
from tests.catalogue.test_stability import _source, _stability
from tests.fixtures.catalogue import connector_dict

HOSTILE = "<img src=x onerror=alert(1)>"
BANK = connector_dict(
    "Banque Summary",
    restricted=True,
    auth_mechanism="webauth",
    available_auth_mechanisms=["webauth", "credentials"],
    stability=_stability("unstable", timedelta(hours=2)),
    sources=[
        _source(11, "directaccess", 2, stability=_stability("stable")),
        _source(10, "openapi", 1, stability=_stability("unstable")),
        _source(12, "fallback", 3, disabled="2026-03-01 09:12:44"),
        _source(13, f"{HOSTILE}quantum", 4, stability={"status": HOSTILE}),
    ],
)


def _summary(client, connector) -> str:
    page = client.get(reverse("connector_detail", args=[connector["uuid"]])).content.decode()
    assert page.index('id="connector-summary"') < page.index('id="properties"')
    return page.split('<section id="connector-summary"', 1)[1].split("</section>", 1)[0]


def _text(fragment: str) -> str:
    """What a reader sees: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def test_summary_answers_in_sentences(viewer_client, load_connectors):
    load_connectors([BANK])
    summary = _summary(viewer_client, BANK)
    text = _text(summary)
    assert "Enabled on this domain. Restricted: no new connections." in text
    assert (
        "Active source: openapi (priority 1, unstable for 2 hours); directaccess (priority 2, "
        f"stable for 2 hours), then {HOSTILE}quantum (priority 4, unknown Powens sent "
        f"“{HOSTILE}”) take over if it fails." in text
    )
    assert "Disabled: fallback (since 2026-03-01 09:12 UTC)." in text
    assert "Auth: webauth (default), credentials." in text
    assert "Stability: unstable for 2 hours" in text
    assert "Last change: none recorded from this dashboard." in text
    assert "<img" not in summary and "&lt;img src=x onerror=alert(1)&gt;" in summary


def test_summary_of_a_connector_without_restriction_or_enabled_source(
    viewer_client, load_connectors
):
    closed = connector_dict(
        "Closed Sources", sources=[_source(20, "openapi", 0, disabled="2026-03-01 09:12:44")]
    )
    bare = connector_dict("No Sources", stability={"status": "weird"})
    load_connectors([closed, bare])
    text = _text(_summary(viewer_client, closed))
    assert "Enabled on this domain. New connections allowed." in text
    assert "No enabled source: Powens has no source to synchronise with." in text
    assert "Stability: unknown" in text
    bare_text = _text(_summary(viewer_client, bare))
    assert "No sources in the catalogue copy." in bare_text
    assert "Stability: unknown Powens sent “weird”" in bare_text


def test_last_change_names_who_and_why(editor_client, small_catalogue):
    bnp = small_catalogue[0]
    reason = f"bank maintenance {HOSTILE}"
    response = editor_client.post(
        reverse("connector_state", args=[bnp["uuid"]]),
        {"enabled": "0", "seen_hidden": "0", "reason": reason},
    )
    assert response.status_code == 302
    summary = _summary(editor_client, bnp)
    text = _text(summary)
    assert "Disabled on this domain: end users cannot add new connections to it." in text
    assert f"Last change: disabled on this domain by editor-user just now — “{reason}”." in text
    assert "<img" not in summary


def test_a_change_made_elsewhere_is_said_so(viewer_client, load_connectors):
    load_connectors([BANK])
    load_connectors([{**BANK, "hidden": True}])  # a refresh finds it hidden: not our change
    text = _text(_summary(viewer_client, BANK))
    assert "Disabled on this domain" in text
    assert (
        "Last change: disabled on this domain outside this dashboard, found by a refresh just now "
        "(who and why are not known here)." in text
    )


def test_a_removed_connector_says_so(viewer_client, load_connectors):
    gone = connector_dict("Gone Bank")
    load_connectors([gone, BANK])
    load_connectors([BANK])
    assert CatalogueConnector.objects.get(uuid=gone["uuid"]).removed_at is not None
    text = _text(_summary(viewer_client, gone))
    assert "Removed: Powens no longer lists this connector (since " in text
    assert "New connections allowed" not in text


def test_the_header_and_sources_table_show_the_same_stability(viewer_client, load_connectors):
    load_connectors([BANK])
    page = viewer_client.get(reverse("connector_detail", args=[BANK["uuid"]])).content.decode()
    header = page.split('<header class="detail-header">', 1)[1].split("</header>", 1)[0]
    assert '<span class="badge badge-warn">stability: unstable</span>' in header
    sources = page.split('<section id="sources"', 1)[1].split("</section>", 1)[0]
    assert '<span class="badge badge-ok">stable</span>' in sources
    assert "Powens sent “&lt;img" in sources
