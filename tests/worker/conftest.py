"""The change tests' catalogue fixtures, for the jobs that resolve changes."""

from tests.changes.conftest import bnp, local_copy  # noqa: F401 - fixtures
