"""Open enums of the Powens API: known values as ``StrEnum`` members (still ``str``).

Powens documents these as open: a value not listed here is kept as a plain string by the
parsers, never rejected.
"""

from enum import StrEnum


class AuthMechanism(StrEnum):
    CREDENTIALS = "credentials"
    WEBAUTH = "webauth"


class SourceName(StrEnum):
    DIRECTACCESS = "directaccess"
    OPENAPI = "openapi"
    FALLBACK = "fallback"


class StabilityStatus(StrEnum):
    STABLE = "stable"
    UNSTABLE = "unstable"
    DOWN = "down"


class FieldType(StrEnum):
    TEXT = "text"
    PASSWORD = "password"
    DATE = "date"
    LIST = "list"
    NUMBER = "number"


class Product(StrEnum):
    BANK = "bank"
    WEALTH = "wealth"
    BILL = "bill"
    PAY = "pay"


class ProvidingPayerAccount(StrEnum):
    NOT_USED = "not_used"
    OPTIONAL = "optional"
    MANDATORY = "mandatory"
