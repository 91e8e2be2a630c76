"""What every page's layout shows: the signed-in user's role and which Powens answers."""

from django.conf import settings
from django.http import HttpRequest

from accounts.roles import Role, role_of


def dashboard(request: HttpRequest) -> dict:
    role = role_of(request.user)
    return {
        "user_role": role,
        "user_role_label": role.label if role else "",
        "can_edit": role >= Role.EDITOR,
        "is_admin": role >= Role.ADMIN,
        "powens_target": "sandbox"
        if settings.POWENS_SANDBOX
        else (settings.POWENS_DOMAIN or settings.POWENS_BASE_URL),
        "powens_is_sandbox": settings.POWENS_SANDBOX,
    }
