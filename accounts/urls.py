"""Sign-in, sign-out and password change.

Our login view (the sandbox demo hint, the lockout notice and the single sign-on button), our
password-change view (the throttle and its lockout notice), and the identity provider's two
(accounts.oidc.views: 404 while it is not configured); the rest are Django's.
Not include("django.contrib.auth.urls"): its password-reset views are public and would send
mail; accounts are managed by admins.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.oidc import views as oidc_views
from accounts.roles import role_not_required

urlpatterns = [
    path("login/", views.login, name="login"),
    path("oidc/start/", oidc_views.oidc_start, name="oidc_start"),
    # The redirect URI to register at the provider: https://<host>/accounts/oidc/callback/
    path("oidc/callback/", oidc_views.oidc_callback, name="oidc_callback"),
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
