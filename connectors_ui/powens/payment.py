"""Pay-related Powens objects (``payment_settings`` on Pay-capable connectors and sources)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import _parse as p
from ._base import ApiObject, enum, one, raw_field, reads
from .enums import ProvidingPayerAccount


@dataclass(frozen=True, slots=True)
class PaymentAmount(ApiObject):
    """Amounts per execution date type; indicative, not hard limits."""

    first_open_day: Decimal | None = reads(p.as_decimal)
    instant: Decimal | None = reads(p.as_decimal)
    deferred: Decimal | None = reads(p.as_decimal)
    periodic: Decimal | None = reads(p.as_decimal)
    raw: Mapping[str, Any] = raw_field()


@dataclass(frozen=True, slots=True)
class PaymentAppToAppUsed(ApiObject):
    """None = not known yet; True does not mean the app is installed."""

    android: bool | None = reads(p.as_bool)
    ios: bool | None = reads(p.as_bool)
    raw: Mapping[str, Any] = raw_field()


@dataclass(frozen=True, slots=True)
class PaymentSettings(ApiObject):
    available_validate_mechanisms: tuple[str, ...] = reads(p.as_str_tuple)
    beneficiary_types: tuple[str, ...] = reads(p.as_str_tuple)
    execution_date_types: tuple[str, ...] = reads(p.as_str_tuple)
    execution_frequencies: tuple[str, ...] = reads(p.as_str_tuple)
    maximum_number_of_instructions: int | None = reads(p.as_int)  # 1 = no bulk
    providing_payer_account: ProvidingPayerAccount | str | None = reads(enum(ProvidingPayerAccount))
    partial_status_tracking: tuple[str, ...] = reads(p.as_str_tuple)
    is_app_to_app_used: PaymentAppToAppUsed | None = reads(one(PaymentAppToAppUsed.from_api))
    bank_provides_payer_account: bool | None = reads(p.as_bool)
    bank_provides_payer_label: bool | None = reads(p.as_bool)
    transfer_date_types_where_trusted_beneficiary_required: tuple[str, ...] = reads(p.as_str_tuple)
    cancellation_available: bool | None = reads(p.as_bool)
    minimum_amount: PaymentAmount | None = reads(one(PaymentAmount.from_api))
    maximum_amount: PaymentAmount | None = reads(one(PaymentAmount.from_api))
    minimum_date_delta_days: int | float | None = reads(p.as_number)
    maximum_date_delta_days: int | float | None = reads(p.as_number)
    # Seen live, undocumented.
    bulk_execution_date_types: tuple[str, ...] = reads(p.as_str_tuple)
    bulk_providing_payer_account: ProvidingPayerAccount | str | None = reads(
        enum(ProvidingPayerAccount)
    )
    trusted_beneficiaries_required_for_bulk: bool | None = reads(p.as_bool)
    raw: Mapping[str, Any] = raw_field()
