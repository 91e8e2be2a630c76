"""Sign-in with the company's OpenID Connect provider, on top of mozilla-django-oidc.

The library does the authorization code flow (state, nonce, PKCE S256, the token exchange,
RS256 signatures checked against the provider's JWKS); this package adds what it leaves out:

- ``discovery``: the provider's endpoints read from ``OIDC_ISSUER``'s
  ``/.well-known/openid-configuration`` when someone signs in, not from five settings;
- ``backend``: the ID token's audience and issuer checked, accounts found by the provider's
  (issuer, subject) and never by e-mail, roles applied from a claim at every sign-in;
- ``claims``: the role claim and ``OIDC_ROLE_MAP`` (pure functions, no Django);
- ``services``: the account created on first sign-in, its profile and role groups kept in
  step with the claims;
- ``views``: the two URLs (start, callback), 404 while ``OIDC_ISSUER`` is empty.

Kept import-light: settings import ``claims`` to validate ``OIDC_ROLE_MAP`` at start-up.
"""
