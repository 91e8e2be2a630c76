"""The sandbox reads a connector's sources by ``connector_id`` alone: the connectors were
chosen by domain already, and joining them again is a plan PostgreSQL makes quadratic when its
statistics say the tables are empty (``test_commands``, the replace after a VACUUM)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sandbox.backend import get_connector, list_connectors


def source_queries(call, *args, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        result = call(*args, **kwargs)
    sql = [q["sql"] for q in queries if 'FROM "sandbox_sandboxsource"' in q["sql"]]
    return result, sql


@pytest.mark.parametrize(
    ("call", "args"), [(list_connectors, ()), (get_connector, ("BNP",))], ids=["list", "one"]
)
def test_sources_are_read_without_joining_their_connectors_again(small_sandbox, call, args):
    args = args and (small_sandbox[0]["uuid"],)  # BNP Paribas
    result, sql = source_queries(call, *args, expand=["sources"])
    assert sql and all(" JOIN " not in query for query in sql), sql
    connectors = result.get("connectors", [result])
    expected = {c["uuid"]: [s["id"] for s in c["sources"]] for c in small_sandbox}
    for connector in connectors:
        assert [s["id"] for s in connector["sources"]] == expected[connector["uuid"]]
