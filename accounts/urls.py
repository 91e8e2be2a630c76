"""Sign-in, sign-out and password change.

Our login and password-change views (the sandbox demo hint, the throttle and its lockout
notice); the rest are Django's.
Not include("django.contrib.auth.urls"): its password-reset views are public and would send
mail; accounts are managed by admins.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.roles import role_not_required

urlpatterns = [
    path("login/", views.login, name="login"),
    # An account without a role may still sign out and change its password.
    path("logout/", role_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "password_change/",
        role_not_required(views.password_change),
        name="password_change",
    ),
    path(
        "password_change/done/",
        role_not_required(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
]
