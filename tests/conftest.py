"""Shared fixtures live in tests/fixtures/, one module per concern."""

pytest_plugins = [
    "tests.fixtures.audit",
    "tests.fixtures.database",
    "tests.fixtures.users",
    "tests.fixtures.sandbox",
    "tests.fixtures.catalogue",
    "tests.fixtures.domains",
    "tests.fixtures.browser",
    "tests.fixtures.worker",
    "tests.fixtures.oidc_provider",
    "tests.trust.fault_report",
]
