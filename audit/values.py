"""The values the audit services take: who acts, from which request, on what, to do what, and
what came of it. Plain frozen values, so that callers (views, commands, the worker) build them
without an ``HttpRequest`` and the audit app stays a leaf."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from audit.models import Action, AuditEntry, Outcome

Actor = AbstractBaseUser | AnonymousUser | None


@dataclass(frozen=True)
class RequestMeta:
    """Who sent the request, from where: copied onto every entry it causes."""

    client_ip: str = ""
    user_agent: str = ""
    request_id: str = ""


@dataclass(frozen=True)
class Acting:
    """Who an account event is done by: a signed-in user, or the name of what acted instead
    ("anonymous", "system", "manage.py createsuperuser"), and the request it came with."""

    user: AbstractBaseUser | None
    name: str
    request_meta: RequestMeta | None


class AccountEvent(TypedDict):
    """An account event's record besides its action and who did it (``Acting``): what it is
    about, how it ended, and the account's or role's state before and after. Typed once, so
    ``accounts.events`` passes it on to ``audit_record_account_event`` as it came."""

    details: Mapping[str, Any]
    outcome: NotRequired[Outcome]
    before: NotRequired[Mapping[str, Any] | None]
    after: NotRequired[Mapping[str, Any] | None]


@dataclass(frozen=True)
class Target:
    connector_uuid: str = ""
    connector_name: str = ""
    source_id: int | None = None
    source_name: str = ""


# The default of a services' ``target``: an entry about no connector (an export, an event).
NO_TARGET = Target()


@dataclass(frozen=True)
class Intent:
    """One write we are about to ask Powens for; ``details`` say more about why (a revert
    names the entry it reverts)."""

    action: Action
    target: Target
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    details: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Result:
    """What came of an intent."""

    outcome: Outcome
    powens_status: int | None = None
    error_code: str = ""
    error_message: str = ""
    powens_request_id: str = ""
    observed: Mapping[str, Any] | None = None


@dataclass
class IntentBatch:
    entries: list[AuditEntry] = field(default_factory=list)
    conflicts: list[Intent] = field(default_factory=list)


@dataclass(frozen=True)
class Observation:
    """A state change someone else made, found by a refresh (``Action.OBSERVED_CHANGE``).

    ``key`` names the target, the transition and the refresh that first saw it: appending an
    observation whose key is already recorded adds nothing."""

    target: Target
    before: Mapping[str, Any]
    after: Mapping[str, Any]
    key: str
    summary: str  # what was seen, for the log's "Reason / details" column
    details: Mapping[str, Any]
