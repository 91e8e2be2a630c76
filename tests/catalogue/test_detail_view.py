"""The connector detail page: every property for humans, fields, payment settings, sources,
raw JSON, odd and hostile data, id redirect and 404."""

import html as html_module
import json
import re

import pytest

from tests.fixtures.catalogue import connector_dict

FULL = connector_dict(
    "Connecteur de test",
    id=40,
    code="00000",
    color="5c2963",
    slug="EXA",
    siret="123 456 789",
    months_to_fetch=None,
    beta=True,
    charged=True,
    stability={"status": "stable", "last_update": "2026-07-29 19:26:59"},
    capabilities=["bank", "bankwealth", "transfer"],
    auth_mechanism="webauth",
    available_auth_mechanisms=["webauth", "credentials"],
    products=["bank", "pay", "wealth"],
    account_types=["checking", "card"],
    future_property={"nested": [1, 2]},
    fields=[
        {
            "name": "login",
            "label": "Identifiant",
            "regex": "^\\d{8}$",
            "type": "text",
            "required": True,
            "auth_mechanisms": ["credentials"],
            "connector_sources": ["directaccess"],
        },
        {
            "name": "website",
            "label": "Type de compte",
            "regex": None,
            "type": "list",
            "required": False,
            "auth_mechanisms": ["webauth", "credentials"],
            "connector_sources": ["openapi"],
            "values": [
                {"label": "Particuliers", "value": "par"},
                {"label": "Professionnels", "value": "pro"},
            ],
        },
    ],
    payment_fields=[
        {
            "name": "iban",
            "label": "IBAN",
            "type": "text",
            "required": True,
            "regex": None,
            "auth_mechanisms": ["webauth"],
        }
    ],
    sources=[
        {
            "id": 1271,
            "id_connector": 40,
            "name": "openapi",
            "auth_mechanism": "webauth",
            "available_auth_mechanisms": ["webauth"],
            "disabled": None,
            "priority": 0,
            "stability": {"status": "stable", "last_update": "2026-07-29 19:26:59"},
        },
        {
            "id": 88,
            "id_connector": 40,
            "name": "directaccess",
            "auth_mechanism": "credentials",
            "available_auth_mechanisms": ["credentials"],
            "disabled": "2024-03-01 09:12:44",
            "priority": 2,
        },
    ],
    countries=[{"id": "fr", "name": "France"}, {"id": "be", "name": "Belgium"}],
    urls=["https://www.example.com/login", "javascript:alert(1)"],
    payment_settings={
        "available_validate_mechanisms": ["webauth"],
        "beneficiary_types": ["iban"],
        "execution_date_types": ["first_open_day", "deferred", "instant"],
        "execution_frequencies": ["weekly", "monthly"],
        "maximum_number_of_instructions": 10,
        "providing_payer_account": "optional",
        "partial_status_tracking": [],
        "is_app_to_app_used": {"android": False, "ios": None},
        "bank_provides_payer_account": None,
        "bank_provides_payer_label": True,
        "transfer_date_types_where_trusted_beneficiary_required": [],
        "cancellation_available": True,
        "minimum_amount": {"instant": 0.0, "deferred": 1.5},
        "maximum_amount": {"instant": 1000.0, "deferred": 4000.0},
        "minimum_date_delta_days": 1,
        "maximum_date_delta_days": None,
        "bulk_execution_date_types": ["deferred"],
        "brand_new_setting": "x",
    },
)
HOSTILE = connector_dict(
    '<img src=x onerror=alert(1)>"Bank',
    id=41,
    color="red;background:url(x)",
    slug="<b>",
    auth_mechanism="quantum_link",
    available_auth_mechanisms=["quantum_link"],
    products=["teleport"],
    urls=["javascript:alert(document.cookie)", "data:text/html,<script>x</script>", 42],
    fields=[{"name": "<i>pw</i>", "label": None, "type": "hologram", "values": "not a list"}],
    payment_settings="broken",
    stability="weird",
    countries=[{"name": "nowhere"}, "XX"],
)
MINIMAL = {"uuid": "5a4ad46e-2b1c-5b6c-9d0e-6f7a8b9c0d1e", "id": 42, "name": "Bare Minimum"}


@pytest.fixture
def copy(load_connectors):
    load_connectors([FULL, HOSTILE, MINIMAL])


def page(client, connector):
    response = client.get(f"/connectors/{connector['uuid']}/")
    assert response.status_code == 200
    return response.content.decode()


def section(html, section_id):
    return html.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]


def test_properties_rendered_for_humans(viewer_client, copy):
    html = page(viewer_client, FULL)
    props = section(html, "properties")
    assert "Bank code</th><td>00000" in props and "SIRET</th><td>123 456 789" in props
    assert 'Beta</th><td><span class="badge badge-warn">yes</span>' in props
    assert 'Charged</th><td><span class="badge badge-ok">yes</span>' in props
    assert 'Hidden (disabled on this domain)</th><td><span class="badge ">no</span>' in props
    assert 'Restricted (no new connections)</th><td><span class="badge ">no</span>' in props
    assert 'Months to fetch</th><td><span class="muted">not set</span>' in props
    assert '<span class="chip">checking</span> <span class="chip">card</span>' in props
    assert 'fill="#5c2963"' in props and '<time datetime="2026-07-29T19:26:59+00:00">' in props
    assert "future_property" in props and "{&quot;nested&quot;: [1, 2]}" in props
    assert '<span class="badge">beta</span>' in html and "stability: stable" in html


def test_hidden_and_restricted_read_as_warnings(viewer_client, load_connectors):
    """``true`` is not good news for these: the selector marks them, the tag draws a warning."""
    closed = connector_dict("Closed Bank", hidden=True, restricted=True, new_flag=True)
    load_connectors([closed])
    props = section(page(viewer_client, closed), "properties")
    assert 'Hidden (disabled on this domain)</th><td><span class="badge badge-warn">yes' in props
    assert 'Restricted (no new connections)</th><td><span class="badge badge-warn">yes' in props
    # A property we know nothing about keeps the plain rendering.
    assert '<code>new_flag</code></th><td><span class="badge badge-ok">yes</span>' in props


def test_fields_and_payment_fields_tables(viewer_client, copy):
    fields = section(page(viewer_client, FULL), "fields")
    assert (
        "<code>login</code>" in fields
        and "Identifiant" in fields
        and "<code>^\\d{8}$</code>" in fields
    )
    assert (
        "Particuliers = <code>par</code>" in fields
        and "Professionnels = <code>pro</code>" in fields
    )
    assert '<span class="chip">directaccess</span>' in fields
    assert "<code>iban</code>" in fields.split("Payment fields", 1)[1]
    # Only the list field has values: a text field must not list its own properties.
    assert fields.count(" = <code>") == 2


def test_countries_products_capabilities_and_urls(viewer_client, copy):
    coverage = section(page(viewer_client, FULL), "coverage")
    assert "France (FR)" in coverage and "Belgium (BE)" in coverage
    assert '<span class="chip">bankwealth</span>' in coverage
    assert '<a href="https://www.example.com/login" rel="noopener noreferrer"' in coverage
    assert (
        '<code>javascript:alert(1)</code> <span class="muted small">(not a web link)</span>'
        in coverage
    )
    assert 'href="javascript' not in coverage


def test_payment_settings_are_readable(viewer_client, copy):
    payment = section(page(viewer_client, FULL), "payment")
    assert 'Validate mechanisms</th><td><span class="chip">webauth</span>' in payment
    assert "Maximum instructions per payment (1 = no bulk)</th><td>10" in payment
    assert "Payer account</th><td>Optional: the payer account may be sent" in payment
    assert (
        'Bank provides the payer account</th><td><span class="muted">not available</span>'
        in payment
    )
    assert (
        'Maximum days before execution</th><td><span class="muted">not available</span>' in payment
    )
    assert 'App-to-app on Android</th><td><span class="badge ">no</span>' in payment
    assert 'App-to-app on iOS</th><td><span class="muted">not known yet</span>' in payment
    assert 'Cancellation available</th><td><span class="badge badge-ok">yes</span>' in payment
    assert "<td>deferred</td><td>1.50</td><td>4,000.00</td>" in payment
    assert "<td>instant</td><td>0.00</td><td>1,000.00</td>" in payment
    assert '<td>first_open_day</td><td><span class="muted">not available</span>' in payment
    assert "brand_new_setting" in payment and "Bulk execution date types" in payment


def test_payer_account_rules_read_as_words_and_unknown_values_as_received(
    viewer_client, load_connectors
):
    bank = connector_dict(
        "Payer Rules Bank",
        payment_settings={
            "providing_payer_account": "mandatory",
            "bulk_providing_payer_account": "not_used",
        },
    )
    odd = connector_dict(
        "Odd Payer Bank",
        payment_settings={
            "providing_payer_account": "sometimes",
            "bulk_providing_payer_account": "optional",
        },
    )
    load_connectors([bank, odd])
    payment = section(page(viewer_client, bank), "payment")
    assert "Payer account</th><td>Mandatory: the payer account must be sent" in payment
    assert "Bulk payer account</th><td>Not used: the payer account must not be sent" in payment
    assert "not_used" not in payment and "mandatory<" not in payment
    odd_payment = section(page(viewer_client, odd), "payment")
    assert "Payer account</th><td>sometimes" in odd_payment
    assert "Bulk payer account</th><td>Optional: the payer account may be sent" in odd_payment


def test_sources_in_priority_order_with_state(viewer_client, copy):
    sources = section(page(viewer_client, FULL), "sources")
    assert sources.index("openapi") < sources.index("directaccess")
    assert '<span class="badge badge-ok">enabled</span>' in sources
    assert '<span class="badge badge-bad">disabled</span>' in sources
    assert '<time datetime="2024-03-01T09:12:44+00:00">2024-03-01 09:12 UTC</time>' in sources


def test_raw_json_is_escaped_and_copyable(viewer_client, copy):
    html = page(viewer_client, HOSTILE)
    raw = section(html, "raw")
    assert 'data-copy-target="#raw-json"' in raw
    pre = re.search(r'<pre id="raw-json"[^>]*>(.*)</pre>', raw, re.S).group(1)
    assert json.loads(html_module.unescape(pre))["name"] == HOSTILE["name"]
    assert "<img" not in pre


def test_hostile_and_odd_values_render_as_text(viewer_client, copy):
    html = page(viewer_client, HOSTILE)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;&quot;Bank" in html
    assert "<i>pw</i>" not in html and "&lt;i&gt;pw&lt;/i&gt;" in html
    assert "quantum_link" in html and "hologram" in html and "teleport" in html
    assert (
        'class="swatch swatch-none"' in html and "style=" not in html and 'fill="#red' not in html
    )
    assert 'href="javascript' not in html and 'href="data:' not in html
    assert "Pay is not available" in html


def test_missing_optional_data_does_not_break_the_page(viewer_client, copy):
    html = page(viewer_client, MINIMAL)
    assert "Bare Minimum" in html
    assert "Not provided by Powens for this connector." in section(html, "fields")
    assert "No sources in the catalogue copy." in html and "Pay is not available" in html
    assert 'URLs</th><td>\n      <span class="muted">not provided</span>' in html


def test_integer_id_and_uppercase_uuid_redirect_to_uuid(viewer_client, copy):
    response = viewer_client.get("/connectors/40/")
    assert response.status_code == 302 and response["Location"] == f"/connectors/{FULL['uuid']}/"
    response = viewer_client.get(f"/connectors/{FULL['uuid'].upper()}/")
    assert response["Location"] == f"/connectors/{FULL['uuid']}/"


def test_uuid_without_hyphens_redirects_to_the_canonical_url(viewer_client, copy):
    for ref in (FULL["uuid"].replace("-", ""), FULL["uuid"].replace("-", "").upper()):
        response = viewer_client.get(f"/connectors/{ref}/")
        assert response.status_code == 302
        assert response["Location"] == f"/connectors/{FULL['uuid']}/"


def test_unknown_connector_is_a_friendly_404(viewer_client, copy):
    for ref in ("999", "00000000-0000-0000-0000-000000000000", "<script>"):
        response = viewer_client.get(f"/connectors/{ref}/")
        assert response.status_code == 404
        assert "Connector not found" in response.content.decode()
        assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_anonymous_detail_goes_to_login(client, copy):
    response = client.get(f"/connectors/{FULL['uuid']}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_actions_and_history_placeholders(viewer_client, copy):
    html = page(viewer_client, FULL)
    assert '<section id="connector-actions"' in html and '<section id="connector-history"' in html
