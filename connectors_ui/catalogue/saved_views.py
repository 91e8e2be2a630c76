"""Saved views: a name for a list query (filters and sort), private or shared with the team.

The query string is the view: opening one is opening ``/connectors/?<query>``, so a saved view
and a shared link are the same thing and the URL stays the source of truth. Anyone with a role
keeps private views; sharing one with the team takes an editor (what the whole team sees in
its menu is curated by those who run the connectors); only its owner renames, shares or deletes
a view. Local bookkeeping, not a Powens write: nothing here is audited.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import QueryDict

from accounts.roles import Role, role_of
from connectors_ui.models import SavedView

NAME_MAX = 80
QUERY_MAX = 2000
# What a view keeps of a URL: its filters, search and sort, not the page it was on.
_NOT_KEPT = ("page",)

User = AbstractBaseUser | AnonymousUser


class SavedViewRefused(Exception):
    """A saved-view change that is not allowed or not valid; ``message`` says why, for the
    person who tried."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SavedViewMenu:
    mine: list[SavedView]
    shared: list[SavedView]


def saved_view_query(raw: str) -> str:
    """The query string a view keeps: non-empty parameters, without the page number."""
    params = QueryDict(raw or "", mutable=True)
    kept = QueryDict(mutable=True)
    for name in params:
        values = [v for v in params.getlist(name) if v.strip()]
        if values and name not in _NOT_KEPT:
            kept.setlist(name, values)
    return kept.urlencode()


def saved_view_menu(*, user: User) -> SavedViewMenu:
    """The user's own views, and those others share with the team."""
    if not getattr(user, "pk", None):
        return SavedViewMenu([], [])
    views = SavedView.objects.filter(Q(owner=user) | Q(shared=True)).select_related("owner")
    mine = [v for v in views if v.owner_id == user.pk]
    return SavedViewMenu(mine, [v for v in views if v.owner_id != user.pk])


def _check(name: str, shared: bool, user: User) -> str:
    name = " ".join(name.split())
    if not name:
        raise SavedViewRefused("Give the view a name.")
    if len(name) > NAME_MAX:
        raise SavedViewRefused(f"A view's name has at most {NAME_MAX} characters.")
    if shared and role_of(user) < Role.EDITOR:
        raise SavedViewRefused("Only editors share views with the team: save it as private.")
    return name


def _saved(view: SavedView) -> SavedView:
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError:
        raise SavedViewRefused(f"You already have a view named “{view.name}”.") from None
    return view


def saved_view_create(*, owner: User, name: str, query: str, shared: bool) -> SavedView:
    owner_id = getattr(owner, "pk", None)
    if owner_id is None or role_of(owner) < Role.VIEWER:
        raise SavedViewRefused("Sign in with a role to save views.")
    query = saved_view_query(query)
    if len(query) > QUERY_MAX:
        raise SavedViewRefused("This view's filters are too long to save.")
    name = _check(name, shared, owner)
    return _saved(SavedView(owner_id=owner_id, name=name, query=query, shared=shared))


def _owned(actor: User, view_id: int) -> SavedView:
    view = SavedView.objects.filter(pk=view_id).first()
    if view is None or (view.owner_id != actor.pk and not view.shared):
        raise SavedViewRefused("No such saved view.")
    if view.owner_id != actor.pk:
        raise SavedViewRefused("Only the person who saved a view changes or deletes it.")
    return view


def saved_view_update(*, actor: User, view_id: int, name: str, shared: bool) -> SavedView:
    """Rename a view and share it or make it private again (its owner only)."""
    view = _owned(actor, view_id)
    view.name = _check(name, shared, actor)
    view.shared = shared
    return _saved(view)


def saved_view_delete(*, actor: User, view_id: int) -> str:
    """Delete a view (its owner only); returns its name for the message."""
    view = _owned(actor, view_id)
    view.delete()
    return view.name
