"""The link between one of our accounts and the identity provider's user behind it."""

from django.conf import settings
from django.db import models


class OidcIdentity(models.Model):
    """The provider's user (issuer + subject) behind one of our accounts.

    The subject is the provider's stable identifier; e-mail addresses and usernames change
    and get reused, so an account is never matched by them: a local password account whose
    e-mail a provider user shares stays a different account.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identity"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "OpenID Connect identity"
        verbose_name_plural = "OpenID Connect identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
