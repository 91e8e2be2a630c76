"""Pay-related Powens objects (``payment_settings`` on Pay-capable connectors and sources)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Self

from . import _parse as p
from ._base import nested, raw_field
from .enums import ProvidingPayerAccount


@dataclass(frozen=True, slots=True)
class PaymentAmount:
    """Amounts per execution date type; indicative, not hard limits."""

    first_open_day: Decimal | None
    instant: Decimal | None
    deferred: Decimal | None
    periodic: Decimal | None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            first_open_day=p.as_decimal(data.get("first_open_day")),
            instant=p.as_decimal(data.get("instant")),
            deferred=p.as_decimal(data.get("deferred")),
            periodic=p.as_decimal(data.get("periodic")),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class PaymentAppToAppUsed:
    """None = not known yet; True does not mean the app is installed."""

    android: bool | None
    ios: bool | None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(android=p.as_bool(data.get("android")), ios=p.as_bool(data.get("ios")), raw=data)


@dataclass(frozen=True, slots=True)
class PaymentSettings:
    available_validate_mechanisms: tuple[str, ...]
    beneficiary_types: tuple[str, ...]
    execution_date_types: tuple[str, ...]
    execution_frequencies: tuple[str, ...]
    maximum_number_of_instructions: int | None  # 1 = no bulk
    providing_payer_account: ProvidingPayerAccount | str | None
    partial_status_tracking: tuple[str, ...]
    is_app_to_app_used: PaymentAppToAppUsed | None
    bank_provides_payer_account: bool | None
    bank_provides_payer_label: bool | None
    transfer_date_types_where_trusted_beneficiary_required: tuple[str, ...]
    cancellation_available: bool | None
    minimum_amount: PaymentAmount | None
    maximum_amount: PaymentAmount | None
    minimum_date_delta_days: int | float | None
    maximum_date_delta_days: int | float | None
    # Seen live, undocumented.
    bulk_execution_date_types: tuple[str, ...]
    bulk_providing_payer_account: ProvidingPayerAccount | str | None
    trusted_beneficiaries_required_for_bulk: bool | None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        def strs(key: str) -> tuple[str, ...]:
            return p.as_str_tuple(data.get(key))

        return cls(
            available_validate_mechanisms=strs("available_validate_mechanisms"),
            beneficiary_types=strs("beneficiary_types"),
            execution_date_types=strs("execution_date_types"),
            execution_frequencies=strs("execution_frequencies"),
            maximum_number_of_instructions=p.as_int(data.get("maximum_number_of_instructions")),
            providing_payer_account=p.as_enum(
                ProvidingPayerAccount, data.get("providing_payer_account")
            ),
            partial_status_tracking=strs("partial_status_tracking"),
            is_app_to_app_used=nested(PaymentAppToAppUsed.from_api, data.get("is_app_to_app_used")),
            bank_provides_payer_account=p.as_bool(data.get("bank_provides_payer_account")),
            bank_provides_payer_label=p.as_bool(data.get("bank_provides_payer_label")),
            transfer_date_types_where_trusted_beneficiary_required=strs(
                "transfer_date_types_where_trusted_beneficiary_required"
            ),
            cancellation_available=p.as_bool(data.get("cancellation_available")),
            minimum_amount=nested(PaymentAmount.from_api, data.get("minimum_amount")),
            maximum_amount=nested(PaymentAmount.from_api, data.get("maximum_amount")),
            minimum_date_delta_days=p.as_number(data.get("minimum_date_delta_days")),
            maximum_date_delta_days=p.as_number(data.get("maximum_date_delta_days")),
            bulk_execution_date_types=strs("bulk_execution_date_types"),
            bulk_providing_payer_account=p.as_enum(
                ProvidingPayerAccount, data.get("bulk_providing_payer_account")
            ),
            trusted_beneficiaries_required_for_bulk=p.as_bool(
                data.get("trusted_beneficiaries_required_for_bulk")
            ),
            raw=data,
        )
