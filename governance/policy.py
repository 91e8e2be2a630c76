"""Which Powens domains need a second pair of eyes before a change (``CHANGE_APPROVAL_POLICY``).

A leaf: it reads settings only, so the change services can ask it too (a change posted straight
to a write URL of an approval domain is refused there, not only hidden by the forms).
"""

from django.conf import settings

from accounts.scope import scope_name

APPROVAL = "approval"
DIRECT = "direct"


def current_domain() -> str:
    """The name the policy keys the current Powens domain by: the domain's name
    (``connectors_ui.domains``; "demo-sandbox" for the embedded sandbox's default one)."""
    return scope_name()


def approval_required(domain: str | None = None) -> bool:
    """Whether changes on ``domain`` (default: this one) must be approved before they apply."""
    return settings.CHANGE_APPROVAL_POLICY.get(domain or current_domain(), DIRECT) == APPROVAL
