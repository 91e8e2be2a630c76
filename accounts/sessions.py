"""Ending an account's sessions the moment it is deactivated.

Deactivation alone already refuses the account on its next request (``ModelBackend.get_user``
returns nobody for an inactive user); deleting the sessions as well means a later reactivation
does not bring the old sessions back to life.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone


def sessions_end(*, user_pk: int) -> int:
    """Delete every unexpired session signed in as ``user_pk``; how many there were.

    Only database-backed engines (``db``, ``cached_db``) can be searched; with another engine
    the sessions stay but, as above, let nobody in. A table scan, which is fine for the few
    dozen sessions of an internal dashboard.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    get_model_class = getattr(store_class, "get_model_class", None)
    if get_model_class is None:
        return 0
    ended = 0
    live = get_model_class().objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user_pk):
            store_class(session.session_key).delete()
            ended += 1
    return ended
