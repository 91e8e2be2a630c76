"""The comparison's CSV: one row per difference, exactly the rows of the page's view."""

from collections.abc import Iterator

from connectors_ui.compare.selectors import Comparison, Difference
from connectors_ui.exports.cells import Cell, text

COMPARE_HEADER = (
    "uuid",
    "name",
    "difference",
    "source_domain",
    "source_state",
    "target_domain",
    "target_state",
    "sources",
    "domain",  # the target: the domain a promotion of the row would change
)


def _state(hidden: bool | None) -> str:
    return "absent" if hidden is None else "hidden" if hidden else "enabled"


def _sources(difference: Difference) -> str:
    """``name:disabled>enabled`` for each source that differs, source's state first."""

    def state(disabled: bool) -> str:
        return "disabled" if disabled else "enabled"

    return "|".join(
        f"{s.name}:{state(s.disabled_on_source)}>{state(s.disabled_on_target)}"
        for s in difference.sources
    )


def compare_rows(comparison: Comparison) -> Iterator[list[Cell]]:
    for difference in comparison.rows:
        yield [
            text(difference.uuid),
            text(comparison.names.get(difference.uuid, "")),
            text(difference.kind),
            text(comparison.source.name),
            _state(difference.source_hidden),
            text(comparison.target.name),
            _state(difference.target_hidden),
            text(_sources(difference)),
            text(comparison.target.name),
        ]
