"""The Refresh button: a catalogue refresh someone asked for, queued for the worker.

It writes nothing to Powens, but it is a POST that only editors and admins may make, so a
refused attempt goes on the audit record like any other refused write.
"""

from dataclasses import dataclass

from django.contrib import messages

from audit.models import Action
from audit.refusals import ChangeForbidden, Refuser, may_change
from audit.services import Actor, RequestMeta
from connectors_ui.catalogue.selectors import catalogue_status
from connectors_ui.catalogue.tasks import catalogue_refresh_enqueue
from connectors_ui.models import CatalogueSync


@dataclass(frozen=True)
class RefreshRequested:
    """What came of the request: the finished attempt when it ran at once (no queue, as in
    tests), else None; ``already_waiting`` when a refresh was queued or running already, so
    none was added."""

    sync: CatalogueSync | None
    already_waiting: bool = False

    @property
    def message(self) -> tuple[int, str]:
        """The message level and sentence the page shows after the button."""
        sync = self.sync
        if sync is None and self.already_waiting:
            return messages.INFO, "A refresh was already queued; its result will show shortly."
        if sync is None:
            return messages.INFO, "Refresh queued: the banner says when it has ended."
        if sync.status == CatalogueSync.Status.SUCCESS:
            return messages.SUCCESS, f"Catalogue refreshed: {sync.summary}. {sync.error}".strip()
        if sync.status == CatalogueSync.Status.SKIPPED:
            return messages.INFO, "A refresh was already running; its result will show shortly."
        return messages.ERROR, f"Refresh failed, the previous copy is kept: {sync.error}"


def catalogue_refresh_requested(
    *, actor: Actor, request_meta: RequestMeta | None
) -> RefreshRequested:
    """Queue a refresh for an editor or admin; raises ``ChangeForbidden`` (recorded) otherwise."""
    if not may_change(actor):
        refuse = Refuser(actor, Action.CATALOGUE_REFRESH, "", request_meta)
        raise refuse(ChangeForbidden, "Only editors and admins can refresh the catalogue.")
    if catalogue_status().queued:
        return RefreshRequested(None, already_waiting=True)
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    ran = catalogue_refresh_enqueue(trigger=CatalogueSync.Trigger.MANUAL, actor_id=actor_id)
    return RefreshRequested(None if ran is None else CatalogueSync.objects.get(pk=ran))
