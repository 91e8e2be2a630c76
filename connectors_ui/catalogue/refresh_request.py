"""The Refresh button: a catalogue refresh someone asked for.

It writes nothing to Powens, but it is a POST that only editors and admins may make, so a
refused attempt goes on the audit record like any other refused write.
"""

from audit.models import Action
from audit.refusals import ChangeForbidden, Refuser, may_change
from audit.services import Actor, RequestMeta
from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.models import CatalogueSync


def catalogue_refresh_requested(*, actor: Actor, request_meta: RequestMeta | None) -> CatalogueSync:
    """Refresh now for an editor or admin; raises ``ChangeForbidden`` (recorded) otherwise."""
    if not may_change(actor):
        refuse = Refuser(actor, Action.CATALOGUE_REFRESH, "", request_meta)
        raise refuse(ChangeForbidden, "Only editors and admins can refresh the catalogue.")
    return catalogue_refresh(trigger=CatalogueSync.Trigger.MANUAL, actor=actor)
