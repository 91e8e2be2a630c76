"""Every account and role change on the audit chain, whatever the path.

Model signals, not admin hooks: Django admin, a shell, a management command and sign-in
provisioning all save the same ``User`` row and the same group memberships, so all are
recorded; so are a group's rename or deletion, which change its members' roles without any
membership signal. The actor comes from ``accounts.actor``. Each record is appended inside the
transaction that made the change, so the two commit, or roll back, together.

A raw SQL ``UPDATE`` sends no signal: the chain cannot see it (the threat of someone with
database access is for the chain's own keys and checkpoints to reveal).

Passwords: a record says that a password was set or disabled, never the password or its hash.
``unrecorded()`` leaves out the role groups' own setup on migrate (see ``accounts.signals``).
Connected in ``AccountsConfig.ready``; sign-ins are in ``accounts.sign_in_events``.
"""

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, Unpack

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, identify_hasher, is_password_usable
from django.contrib.auth.models import AbstractUser, Group
from django.db import models

from accounts.actor import acting
from accounts.roles import GROUP_NAMES
from accounts.sessions import sessions_end
from audit.models import Action
from audit.services import Acting, audit_record_account_event
from audit.values import AccountEvent

# The columns whose change is an event; anything else (a name, last_login) is not recorded.
TRACKED = ("is_active", "is_superuser", "password")
FLAG_ACTIONS = {
    ("is_active", False): Action.ACCOUNT_DEACTIVATE,
    ("is_active", True): Action.ACCOUNT_REACTIVATE,
    ("is_superuser", True): Action.SUPERUSER_GRANT,
    ("is_superuser", False): Action.SUPERUSER_REVOKE,
}
FLAG_KEYS = {"is_active": "active", "is_superuser": "superuser"}
_unrecorded: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "accounts_unrecorded", default=False
)


@contextmanager
def unrecorded() -> Iterator[None]:
    """Changes made inside are not recorded (their side effects, such as ending sessions, still
    happen).

    For setup that is no one's decision: the role groups' permissions as the code defines them,
    granted on every migrate, before the audit tables may even exist; and test fixtures. It
    opens nothing new: code running in the process can always skip signals (``update()``, SQL).
    """
    token = _unrecorded.set(True)
    try:
        yield
    finally:
        _unrecorded.reset(token)


def account_ref(user: Any) -> dict[str, Any]:
    """How a record names an account: the audit log links the id to its admin page."""
    return {"id": user.pk, "username": user.get_username()}


def record(action: Action, *, now: Acting | None = None, **event: Unpack[AccountEvent]) -> None:
    """Append one event with whoever is acting now (or ``now``, when the caller knows better)."""
    if _unrecorded.get():
        return
    audit_record_account_event(by=now or acting(), action=action, **event)


def _state(user: AbstractUser) -> dict[str, Any]:
    return {
        "active": user.is_active,
        "superuser": user.is_superuser,
        "password": "set" if user.has_usable_password() else "none",
    }


def _is_rehash(user: AbstractUser, old_hash: str) -> bool:
    """True when a sign-in only re-encoded the same password with the current hasher.

    ``check_password`` does that without keeping the raw password (``_password``), and only
    when the old hash was made by another hasher or with other parameters; a password set
    through ``set_password`` keeps it until the save is over.
    """
    if user._password is not None:  # type: ignore[attr-defined]  # AbstractBaseUser's, not typed
        return False
    if not (is_password_usable(old_hash) and is_password_usable(user.password)):
        return False
    try:
        old_hasher = identify_hasher(old_hash)
    except ValueError:
        return False
    preferred = get_hasher()
    return old_hasher.algorithm != preferred.algorithm or preferred.must_update(old_hash)


def account_before_save(
    sender: type[AbstractUser],
    instance: AbstractUser,
    update_fields: Iterable[str] | None = None,
    **kwargs: Any,
) -> None:
    """pre_save on User: read the tracked columns as the database holds them now."""
    instance._account_before = None  # type: ignore[attr-defined]  # kept until post_save
    if instance.pk is None or (update_fields is not None and not set(TRACKED) & set(update_fields)):
        return
    row = sender._default_manager.filter(pk=instance.pk).values(*TRACKED).first()
    instance._account_before = row  # type: ignore[attr-defined]


def _record_created(user: AbstractUser) -> None:
    account = account_ref(user)
    record(Action.ACCOUNT_CREATE, details={"account": account}, after=_state(user))
    if user.is_superuser:
        before, after = {"superuser": False}, {"superuser": True}
        record(Action.SUPERUSER_GRANT, details={"account": account}, before=before, after=after)


def _record_password(user: AbstractUser) -> None:
    now = acting()
    own = now.user is not None and now.user.pk == user.pk
    action = Action.PASSWORD_CHANGE if own else Action.PASSWORD_SET
    what = "changed" if user.has_usable_password() else "disabled"
    record(action, details={"account": account_ref(user), "password": what})


def account_after_save(
    sender: type[AbstractUser], instance: AbstractUser, created: bool, **kwargs: Any
) -> None:
    """post_save on User: one event per tracked change (deactivation also ends sessions)."""
    before = getattr(instance, "_account_before", None)
    instance._account_before = None  # type: ignore[attr-defined]
    if created:
        _record_created(instance)
        return
    if before is None:
        return
    account = account_ref(instance)
    for column, key in FLAG_KEYS.items():
        value = getattr(instance, column)
        if before[column] == value:
            continue
        details: dict[str, Any] = {"account": account}
        if column == "is_active" and not value:
            details["sessions_ended"] = sessions_end(user_pk=instance.pk)
        action = FLAG_ACTIONS[(column, value)]
        record(action, details=details, before={key: before[column]}, after={key: value})
    if before["password"] != instance.password and not _is_rehash(instance, before["password"]):
        _record_password(instance)


def account_before_delete(
    sender: type[AbstractUser], instance: AbstractUser, **kwargs: Any
) -> None:
    """pre_delete on User: recorded before its group rows go (inside the delete's transaction;
    an account with audit history of its own is protected and never gets this far)."""
    before = {**_state(instance), "roles": _role_names(instance)}
    record(Action.ACCOUNT_DELETE, details={"account": account_ref(instance)}, before=before)


def _role_names(user: Any) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def _record_members(group: Group, *, before: str, after: str | None) -> None:
    """Each member's roles when their group is renamed (``after``) or deleted (None): Django
    sends no m2m signal for either, yet renaming a group "admin" makes its members admins."""
    gained = after in GROUP_NAMES
    for user in group.user_set.all():
        names = [n for n in _role_names(user) if n not in {before, after}]
        old, new = sorted([*names, before]), sorted([*names, *([after] if after else [])])
        record(
            Action.ROLE_ADD if gained else Action.ROLE_REMOVE,
            # "to": None when the group was deleted.
            details={"account": account_ref(user), "group": {"from": before, "to": after}},
            before={"roles": old},
            after={"roles": new},
        )


def group_before_save(sender: type[Group], instance: Group, **kwargs: Any) -> None:
    """pre_save on Group: its name as stored, to notice a rename."""
    stored = sender._default_manager.filter(pk=instance.pk).values_list("name", flat=True)
    name = stored.first() if instance.pk is not None else None
    instance._name_before = name  # type: ignore[attr-defined]  # kept until post_save


def group_after_save(sender: type[Group], instance: Group, **kwargs: Any) -> None:
    before = getattr(instance, "_name_before", None)
    if before is not None and before != instance.name:
        _record_members(instance, before=before, after=instance.name)


def group_before_delete(sender: type[Group], instance: Group, **kwargs: Any) -> None:
    _record_members(instance, before=instance.name, after=None)


@dataclass(frozen=True)
class Relation:
    """A many-to-many relation whose changes are events, seen from its holder's side: a user's
    groups (roles) or raw permissions, or a group's permissions."""

    holder: type[models.Model]
    field: str
    added: Action
    removed: Action

    @property
    def key(self) -> str:
        return "roles" if self.field == "groups" else "permissions"

    def names(self, holder: Any) -> list[str]:
        related = getattr(holder, self.field)
        if related.model is Group:
            return sorted(related.values_list("name", flat=True))
        rows = related.values_list("content_type__app_label", "codename")
        return sorted(f"{app}.{codename}" for app, codename in rows)

    def subject(self, holder: Any) -> dict[str, Any]:
        if isinstance(holder, Group):
            return {"role": {"id": holder.pk, "name": holder.name}}
        return {"account": account_ref(holder)}


@cache
def _relations() -> dict[type[models.Model], Relation]:
    """Keyed by the relation's through model, the ``sender`` of ``m2m_changed``."""
    user, perms = get_user_model(), Action.PERMISSIONS_CHANGE
    relations = [
        Relation(user, "groups", Action.ROLE_ADD, Action.ROLE_REMOVE),
        Relation(user, "user_permissions", perms, perms),
        Relation(Group, "permissions", perms, perms),
    ]
    return {getattr(r.holder, r.field).through: r for r in relations}


def tracked_relations() -> list[type[models.Model]]:
    """The through models to connect ``membership_changed`` to."""
    return list(_relations())


def _holders(relation: Relation, instance: Any, reverse: bool, pk_set: set | None) -> list[Any]:
    """The holders (users, or groups) whose relation this change touches."""
    if not reverse:
        return [instance]
    manager = relation.holder._default_manager
    if pk_set is None:  # a clear() from the other side: every holder of this item
        return list(manager.filter(**{relation.field: instance}))
    return list(manager.filter(pk__in=pk_set))


def membership_changed(
    sender: type[models.Model],
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set | None = None,
    **kwargs: Any,
) -> None:
    """m2m_changed: names before the change (pre_*), one event per holder that changed (post_*)."""
    relation = _relations().get(sender)
    if relation is None:
        return
    stash = instance.__dict__.setdefault("_membership_before", {})
    if action.startswith("pre_"):
        holders = _holders(relation, instance, reverse, pk_set)
        stash[sender] = [(holder, relation.names(holder)) for holder in holders]
        return
    event = relation.added if action == "post_add" else relation.removed
    for holder, before in stash.pop(sender, []):
        after = relation.names(holder)
        if after != before:
            record(
                event,
                details=relation.subject(holder),
                before={relation.key: before},
                after={relation.key: after},
            )
