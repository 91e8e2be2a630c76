"""``manage.py audit_revert ENTRY_ID|BATCH_ID --reason TEXT [--yes]``: revert a succeeded
change or a batch from the command line, through the same preview, rules and audit as the
pages (``changes.revert``). Prints the preview, then asks for the count unless ``--yes``."""

import getpass
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from connectors_ui.changes import ChangeRefused
from connectors_ui.changes.revert import (
    RevertPlan,
    RevertPreview,
    RevertTarget,
    revert_domain,
    revert_execute,
    revert_plan,
    revert_preview,
)
from connectors_ui.domains.context import domain_scope


class Command(BaseCommand):
    help = "Revert an audit entry (its id) or a batch (its UUID) to the state before it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help="An audit entry id, or a batch id (UUID).")
        parser.add_argument("--reason", default="", help="Why (required; kept in the audit log).")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument(
            "--user",
            default="",
            help="The editor or admin account the revert is made as (default: your login name).",
        )

    def handle(self, *args: Any, target: str, reason: str, yes: bool, user: str, **options: Any):
        if not reason.strip():
            raise CommandError("A reason is required: --reason TEXT.")
        actor = self._actor(user or getpass.getuser())
        plan = _plan(target)
        with domain_scope(revert_domain(plan)):  # the local copy of the entries' domain
            preview = revert_preview(plan)
        self._print(preview)
        count = len(preview.will_revert)
        if not count:
            raise CommandError("Nothing to revert.")
        if not yes and input(f"Type {count} to revert {count} connector(s): ").strip() != str(
            count
        ):
            raise CommandError("Not confirmed: nothing was changed.")
        try:
            result = revert_execute(
                actor=actor,
                plan=preview.plan,
                reason=reason,
                confirm_count=count,
                request_meta=None,
            )
        except ChangeRefused as refused:
            raise CommandError(f"Refused: {refused.message}") from None
        counts = ", ".join(
            f"{result.count(o)} {o}" for o in sorted({i.outcome for i in result.items})
        )
        where = f"batch {result.batch_id}" if result.batch_id else f"entry #{result.entry_ids[0]}"
        self.stdout.write(f"Revert {where}: {counts}.")

    def _actor(self, username: str) -> Any:
        found = get_user_model().objects.filter(username=username, is_active=True).first()
        if found is None:
            raise CommandError(f"No active account {username!r}: name an editor with --user.")
        return found

    def _print(self, preview: RevertPreview) -> None:
        lines = [f"Will revert {len(preview.will_revert)}:"]
        lines += [
            f"  {_name(t)}: {_word(t.after_off)} -> {_word(t.off)} (entry #{t.entry_id})"
            for t in preview.will_revert
        ]
        lines.append(f"Changed since, skipped {len(preview.changed_since)}:")
        lines += [f"  {_name(t)}" for t in preview.changed_since]
        lines.append(f"Cannot be reverted {len(preview.cannot)}:")
        lines += [f"  #{s.entry_id} {s.connector_name}: {s.why}" for s in preview.cannot]
        self.stdout.write("\n".join(lines))


def _word(off: bool) -> str:
    return "disabled" if off else "enabled"


def _name(target: RevertTarget) -> str:
    connector = target.connector_name or target.connector_uuid
    if target.source_id is None:
        return connector
    return f"source {target.source_name or f'#{target.source_id}'} of {connector}"


def _plan(target: str) -> RevertPlan:
    if target.isdigit():
        plan = revert_plan(entry_ids=[int(target)])
    else:
        try:
            plan = revert_plan(batch_id=str(uuid.UUID(target)))
        except ValueError:
            raise CommandError(f"{target!r} is neither an entry id nor a batch id.") from None
    if not plan.targets and not plan.not_revertible:
        raise CommandError(f"No audit entry or batch {target}.")
    return plan
