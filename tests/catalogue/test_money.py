"""The ``money`` tag: payment amounts read as amounts, odd values as received, escaped."""

import pytest

from connectors_ui.templatetags.catalogue_tags import money


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (4000.0, "4,000.00"),
        (0.0, "0.00"),
        (0, "0.00"),
        (1.5, "1.50"),
        (1234567.891, "1,234,567.891"),  # more decimals than two are kept, not rounded away
        (-12.5, "-12.50"),
        (10**12, "1,000,000,000,000.00"),
    ],
)
def test_numbers_read_as_amounts(value, shown):
    assert money(value) == shown


def test_null_reads_as_not_available():
    assert money(None) == '<span class="muted">not available</span>'


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("<b>lots</b>", "&lt;b&gt;lots&lt;/b&gt;"),
        ("4000", "4000"),
        (float("nan"), "nan"),
        ({"eur": 5}, "<code>{&quot;eur&quot;: 5}</code>"),
    ],
)
def test_anything_else_is_shown_as_received_and_escaped(value, shown):
    assert money(value) == shown
