"""How long a session lives: it expires after ``SESSION_COOKIE_AGE`` of inactivity, and ends
the moment its account is deactivated.

Inactivity: ``SessionActivityMiddleware`` keeps the expiry ``SESSION_COOKIE_AGE`` after the
last request, to within ``SESSION_TOUCH_AFTER`` seconds, without writing the session on every
request as ``SESSION_SAVE_EVERY_REQUEST`` did (a database write, serialised across workers on
SQLite, for every page view and htmx fragment: issue 16).

Deactivation alone already refuses the account on its next request (``ModelBackend.get_user``
returns nobody for an inactive user); deleting the sessions as well means a later reactivation
does not bring the old sessions back to life.
"""

import time
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

# When the session last recorded a request (seconds since the epoch), in the session itself.
ACTIVITY_KEY = "_activity"


class SessionActivityMiddleware:
    """Saves a signed-in session again (so its expiry moves to ``SESSION_COOKIE_AGE`` from
    now, the cookie's too) only when its recorded activity is ``SESSION_TOUCH_AFTER`` seconds
    old or more; other requests only read it. Anonymous requests never create a session.

    Goes after ``AuthenticationMiddleware``: whether the user is signed in costs nothing more
    there, every dashboard page asks already.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(ACTIVITY_KEY, 0) >= settings.SESSION_TOUCH_AFTER:
                request.session[ACTIVITY_KEY] = now  # modified: SessionMiddleware saves it
        return self.get_response(request)


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
