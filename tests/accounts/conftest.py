"""Fixtures for the role model and account events: a real superuser and its client."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from accounts.events import unrecorded
from tests.fixtures.users import TEST_PASSWORD
from tests.trust.conftest import throttle_cache  # noqa: F401  # the sign-in tests use it


@pytest.fixture
def superuser(db: None) -> AbstractBaseUser:
    """A true superuser (no group), set up unrecorded like the other fixture accounts."""
    with unrecorded():
        return get_user_model().objects.create_superuser("root", password=TEST_PASSWORD)


@pytest.fixture
def superuser_client(superuser: AbstractBaseUser) -> Client:
    client = Client()
    with unrecorded():
        client.force_login(superuser)
    return client
