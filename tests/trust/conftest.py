"""Fixtures for the trust suite: a client per role (including a signed-in user with no role)."""

from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import caches
from django.test import Client

from accounts.events import unrecorded
from accounts.throttle import CACHE_ALIAS

ROLE_NAMES = ("anonymous", "norole", "viewer", "editor", "admin")


@pytest.fixture
def client_for(make_user: Callable[..., AbstractBaseUser]) -> Callable[..., Client]:
    """``client_for("viewer")`` → a client signed in as a new user with that role;
    ``"norole"`` is a signed-in user in no group, ``"anonymous"`` has no session."""
    made: dict[str, AbstractBaseUser] = {}

    def build(role: str, **client_options: object) -> Client:
        client = Client(**client_options)
        if role == "anonymous":
            return client
        if role not in made:
            made[role] = make_user(None if role == "norole" else role, username=f"trust-{role}")
        with unrecorded():  # setup, not an event under test
            client.force_login(made[role])
        return client

    return build


@pytest.fixture
def throttle_cache(db: None) -> Iterator[None]:
    """The sign-in throttle's counts, emptied before and after (its table is not rolled back
    by transactional tests)."""
    caches[CACHE_ALIAS].clear()
    yield
    caches[CACHE_ALIAS].clear()
