"""Service tokens: how a machine (the SIEM) reads the audit stream without a session.

A token is ``pca_`` + 43 URL-safe characters (256 random bits), shown once at creation. Only its
SHA-256 is stored: with that much randomness a slow hash adds nothing, and lookup stays one
indexed query. The only scope is read-only ``audit:read``. Creating and revoking are audited,
and so is every refused use (no token, an unknown or revoked one) through the refusal flood
control; a refusal names the token by its stored prefix at most, never by what was presented.
"""

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import Actor, RequestMeta, audit_record_event, audit_record_refused
from notify.models import ServiceToken
from notify.refusals import NameTaken

TOKEN_PREFIX = "pca_"
SCOPE_AUDIT_READ = "audit:read"


@dataclass(frozen=True)
class NewToken:
    token: ServiceToken
    secret: str  # shown once, then gone


class TokenRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _details(token: ServiceToken) -> dict[str, object]:
    return {"token": {"id": token.pk, "name": token.name, "prefix": token.prefix}}


def service_token_create(
    *, actor: Actor, name: str, request_meta: RequestMeta | None = None
) -> NewToken:
    if ServiceToken.objects.filter(name=name, revoked_at__isnull=True).exists():
        raise NameTaken(
            f"A token called “{name}” is in use: revoke it first, or name this one apart."
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ServiceToken.objects.create(
            name=name,
            token_hash=_hash(secret),
            prefix=secret[:10],
            created_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
        )
        audit_record_event(
            actor=actor,
            action=Action.TOKEN_CREATE,
            details=_details(token),
            request_meta=request_meta,
        )
    return NewToken(token, secret)


def service_token_revoke(
    *, actor: Actor, token: ServiceToken, request_meta: RequestMeta | None = None
) -> None:
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record_event(
            actor=actor,
            action=Action.TOKEN_REVOKE,
            details=_details(token),
            request_meta=request_meta,
        )


def _bearer(header: str) -> str:
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _refuse(code: str, message: str, meta: RequestMeta | None, **details: object) -> TokenRefused:
    audit_record_refused(
        actor=None, action=Action.AUDIT_STREAM, code=code, message=message,
        request_meta=meta, details=details,
    )  # fmt: skip
    return TokenRefused(code, message)


def service_token_authenticate(
    *, authorization: str, scope: str = SCOPE_AUDIT_READ, request_meta: RequestMeta | None = None
) -> ServiceToken:
    """The live token the ``Authorization: Bearer …`` header names, or ``TokenRefused``."""
    secret = _bearer(authorization)
    if not secret:
        raise _refuse(
            "token_missing", "Send a service token: Authorization: Bearer <token>.", request_meta
        )
    token = ServiceToken.objects.filter(token_hash=_hash(secret)).first()
    if token is None:
        raise _refuse("token_unknown", "This service token is not known.", request_meta)
    if token.revoked_at is not None:
        raise _refuse(
            "token_revoked", "This service token was revoked.", request_meta, **_details(token)
        )
    if token.scope != scope:
        raise _refuse(
            "token_scope", "This service token may not read this.", request_meta, **_details(token)
        )
    ServiceToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
