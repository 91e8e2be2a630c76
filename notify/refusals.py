"""What an admin's change to the integrations may be refused for, with the sentence shown.

Each guards against doing a thing twice: the secret and token pages are the answers to their
POST (a secret is shown once, never stored), so a reload sends the form again."""


class IntegrationRefused(ValueError):
    """Nothing was changed; the message says why, for the page."""


class NameTaken(IntegrationRefused):
    pass


class RotationUnderWay(IntegrationRefused):
    pass
