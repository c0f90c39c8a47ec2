"""The procurement of a purchased service as an event-sourced aggregate, and the index of contracts.

A procurement is planned, tendered and awarded to a provider, or awarded in-house to Omnia without
a tender on a recorded legal ground; its contract fixes a unit price, a number of seats, a value
cap and a period. Referrals reserve seats, and release them when the service ends early; invoices
are received and approved. It refuses going over capacity or cap, invoices outside the contract
period, and any use after it has ended. :class:`ContractIndex` lists the contracts of one service
type, so finding free seats never scans every aggregate. The steps of a procurement's life, its
errors and the checks that need no procurement's state live in
``employment_domain.procurements.records``.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from employment_domain.money import Money
from employment_domain.procurements.records import (
    CapacityError,
    ContractEndedError,
    ContractPeriodError,
    InvoiceError,
    NotPurchasableError,
    ProcurementError,
    ProcurementStateError,
    ProcurementStatus,
    ReservationError,
    ValueCapError,
    check_contract_terms,
    check_date,
    check_invoice_period,
    check_period,
    check_positive,
    check_text,
)
from employment_domain.topics import moved
from employment_domain.values import BusinessId, Period

__all__ = [
    "CapacityError",
    "ContractEndedError",
    "ContractIndex",
    "ContractPeriodError",
    "InvoiceError",
    "NotPurchasableError",
    "Procurement",
    "ProcurementError",
    "ProcurementStateError",
    "ProcurementStatus",
    "ReservationError",
    "ValueCapError",
    "contract_index_id",
]

_INDEX_NAMESPACE = uuid5(NAMESPACE_URL, "urn:employment-domain:contract-index")


def contract_index_id(service_type: str) -> UUID:
    """The id of the index of the contracts for ``service_type``."""
    return uuid5(_INDEX_NAMESPACE, service_type)


class Procurement(Aggregate):
    """One purchased-service procurement, from plan to the end of its contract."""

    @event("Planned")
    def __init__(
        self,
        id: UUID,
        on: date,
        area: str,
        service_type: str,
        title: str,
        estimated_value: Money,
        period: Period,
    ) -> None:
        self.area = area
        self.service_type = service_type
        self.title = title
        self.estimated_value = estimated_value
        self.planned_period = period
        self.planned_on = on
        self.status = ProcurementStatus.PLANNED.value
        self.last_step_on = on
        self.tender_reference: str | None = None
        self.provider: str | None = None
        self.business_id: BusinessId | None = None
        self.award_reference: str | None = None
        self.in_house = False
        self.unit_price: Money | None = None
        self.seats = 0
        self.value_cap: Money | None = None
        self.contract_period: Period | None = None
        self.target_groups: list[str] = []
        self.reservations: dict[str, dict[str, Any]] = {}
        self.invoices: dict[str, dict[str, Any]] = {}
        self.ended_on: date | None = None
        self.end_reason: str | None = None

    @classmethod
    def plan(
        cls,
        id: UUID,
        *,
        on: date,
        area: str,
        service_type: str,
        title: str,
        estimated_value: Money,
        period: Period,
        purchasable: list[str],
    ) -> Procurement:
        """Plan a procurement; ``purchasable`` are the service types the dated rules allow."""
        check_date(on, "planning a procurement")
        area = check_text(area, "the area whose ledger pays the procurement")
        if service_type not in purchasable:
            raise NotPurchasableError(
                f"service type {service_type!r} may not be purchased; purchasable on {on}:"
                f" {', '.join(purchasable)}"
            )
        title = check_text(title, "a procurement's title")
        check_positive(estimated_value, "the estimated value")
        check_period(period, "the planned period")
        return cls(
            id=id,
            on=on,
            area=area,
            service_type=service_type,
            title=title,
            estimated_value=estimated_value,
            period=period,
        )

    # -- the steps to a contract --------------------------------------------------------------

    def _check_step(self, on: date, allowed: ProcurementStatus, act: str) -> None:
        check_date(on, act)
        self._check_not_ended(act)
        if self.status != allowed:
            raise ProcurementStateError(
                f"cannot {act}: procurement {self.id} is {self.status}, not {allowed.value}"
            )
        if on < self.last_step_on:
            raise ProcurementStateError(
                f"cannot {act} on {on}, before the previous step on {self.last_step_on}"
            )

    def _check_not_ended(self, act: str) -> None:
        if self.status == ProcurementStatus.ENDED:
            raise ContractEndedError(
                f"cannot {act}: procurement {self.id} ended on {self.ended_on}"
            )

    def publish_tender(self, *, on: date, notice_reference: str) -> None:
        """Record the tender notice (for example its HILMA number)."""
        self._check_step(on, ProcurementStatus.PLANNED, "publish a tender")
        self._tender_published(on, check_text(notice_reference, "a tender notice's reference"))

    @event("TenderPublished")
    def _tender_published(self, on: date, notice_reference: str) -> None:
        self.status = ProcurementStatus.TENDERED.value
        self.tender_reference = notice_reference
        self.last_step_on = on

    def award(
        self, *, on: date, provider: str, business_id: BusinessId, decision_reference: str
    ) -> None:
        """Award the tendered procurement to a provider by a procurement decision."""
        self._check_step(on, ProcurementStatus.TENDERED, "award the procurement")
        if not isinstance(business_id, BusinessId):
            raise ProcurementError(f"a provider's business ID is a BusinessId: {business_id!r}")
        self._awarded(
            on,
            check_text(provider, "a provider"),
            business_id,
            check_text(decision_reference, "a procurement decision's reference"),
        )

    @event("Awarded")
    def _awarded(
        self, on: date, provider: str, business_id: BusinessId, decision_reference: str
    ) -> None:
        self.status = ProcurementStatus.AWARDED.value
        self.provider = provider
        self.business_id = business_id
        self.award_reference = decision_reference
        self.last_step_on = on

    def award_in_house(
        self, *, on: date, provider: str, legal_ground: str, in_house_entities: list[str]
    ) -> None:
        """Award without a tender to an in-house entity, recording the legal ground."""
        self._check_step(on, ProcurementStatus.PLANNED, "award in-house without a tender")
        provider = check_text(provider, "an in-house entity")
        if provider not in in_house_entities:
            raise ProcurementError(
                f"{provider!r} is not an in-house entity of the area on {on}"
                f" ({', '.join(in_house_entities) or 'none'}); tender the procurement"
            )
        self._awarded_in_house(on, provider, check_text(legal_ground, "the legal ground"))

    @event("AwardedInHouse")
    def _awarded_in_house(self, on: date, provider: str, legal_ground: str) -> None:
        self.status = ProcurementStatus.AWARDED.value
        self.provider = provider
        self.in_house = True
        self.award_reference = legal_ground
        self.last_step_on = on

    def conclude_contract(
        self,
        *,
        on: date,
        unit_price: Money,
        seats: int,
        value_cap: Money,
        period: Period,
        target_groups: list[str],
    ) -> None:
        """Fix the contract's terms: price per seat, seats, value cap, period, target groups."""
        self._check_step(on, ProcurementStatus.AWARDED, "conclude the contract")
        groups = check_contract_terms(unit_price, seats, value_cap, period, target_groups)
        self._contracted(on, unit_price, seats, value_cap, period, groups)

    @event("Contracted")
    def _contracted(
        self,
        on: date,
        unit_price: Money,
        seats: int,
        value_cap: Money,
        period: Period,
        target_groups: list[str],
    ) -> None:
        self.status = ProcurementStatus.CONTRACTED.value
        self.unit_price = unit_price
        self.seats = seats
        self.value_cap = value_cap
        self.contract_period = period
        self.target_groups = list(target_groups)
        self.last_step_on = on

    # -- seats ------------------------------------------------------------------------------------

    def _check_in_force(self, on: date, act: str) -> Period:
        check_date(on, act)
        self._check_not_ended(act)
        if self.status != ProcurementStatus.CONTRACTED or self.contract_period is None:
            raise ProcurementStateError(f"cannot {act}: procurement {self.id} has no contract yet")
        return self.contract_period

    def reserve_seat(self, *, on: date, client_id: UUID, referral_id: UUID) -> None:
        """Reserve a seat for a client's referral: a free seat and money for it are needed."""
        period = self._check_in_force(on, "reserve a seat")
        if on not in period:
            raise ContractPeriodError(f"cannot reserve a seat on {on}: the contract runs {period}")
        if not isinstance(client_id, UUID) or not isinstance(referral_id, UUID):
            raise ReservationError(f"a seat is reserved by UUIDs: {client_id!r}, {referral_id!r}")
        if str(referral_id) in self.reservations:
            raise ReservationError(f"referral {referral_id} already holds a seat in {self.id}")
        if self.free_seats < 1:
            raise CapacityError(
                f"no free seat in procurement {self.id}: all {self.seats} seats are taken"
            )
        price = self.unit_price if self.unit_price is not None else Money.zero()
        if self.value_left < price:
            raise ValueCapError(
                f"procurement {self.id} has {self.value_left} left under its cap,"
                f" less than one seat at {price}"
            )
        self._seat_reserved(on, client_id, referral_id)

    @event("SeatReserved")
    def _seat_reserved(self, on: date, client_id: UUID, referral_id: UUID) -> None:
        self.reservations[str(referral_id)] = {"client_id": str(client_id), "reserved_on": on}

    def release_seat(self, *, on: date, referral_id: UUID) -> None:
        """Release the seat of a referral whose service ended early, so another may take it."""
        self._check_in_force(on, "release a seat")
        if str(referral_id) not in self.reservations:
            raise ReservationError(f"referral {referral_id} holds no seat in {self.id}")
        self._seat_released(on, referral_id)

    @event("SeatReleased")
    def _seat_released(self, on: date, referral_id: UUID) -> None:
        del self.reservations[str(referral_id)]

    # -- invoices ---------------------------------------------------------------------------------

    def receive_invoice(self, *, on: date, invoice_id: str, amount: Money, period: Period) -> None:
        """Receive the provider's invoice for a period inside the contract, within the cap."""
        contract_period = self._check_in_force(on, "receive an invoice")
        invoice_id = check_text(invoice_id, "an invoice number")
        check_positive(amount, "an invoice's amount")
        check_period(period, "an invoice's period")
        if invoice_id in self.invoices:
            raise InvoiceError(f"invoice {invoice_id!r} is already received in {self.id}")
        check_invoice_period(invoice_id, period, contract_period)
        if amount > self.value_left:
            raise ValueCapError(
                f"invoice {invoice_id!r} of {amount} exceeds what is left under the cap"
                f" {self.value_cap}: {self.value_left}"
            )
        self._invoice_received(on, invoice_id, amount, period)

    @event("InvoiceReceived")
    def _invoice_received(self, on: date, invoice_id: str, amount: Money, period: Period) -> None:
        self.invoices[invoice_id] = {
            "amount": amount,
            "period": period,
            "received_on": on,
            "status": "received",
            "decided_on": None,
            "note": None,
        }

    def _pending_invoice(self, on: date, invoice_id: str, act: str) -> dict[str, Any]:
        self._check_in_force(on, act)
        invoice = self.invoices.get(invoice_id)
        if invoice is None:
            raise InvoiceError(f"procurement {self.id} has no invoice {invoice_id!r}")
        if invoice["status"] != "received":
            raise InvoiceError(f"invoice {invoice_id!r} is already {invoice['status']}")
        return invoice

    def approve_invoice(self, *, on: date, invoice_id: str) -> None:
        """Approve a received invoice for payment; its cost then goes to the ledger of its year."""
        self._pending_invoice(on, invoice_id, "approve an invoice")
        self._invoice_approved(on, invoice_id)

    @event("InvoiceApproved")
    def _invoice_approved(self, on: date, invoice_id: str) -> None:
        self.invoices[invoice_id].update(status="approved", decided_on=on)

    def reject_invoice(self, *, on: date, invoice_id: str, reason: str) -> None:
        """Reject a received invoice (disputed, wrong); it no longer counts against the cap."""
        self._pending_invoice(on, invoice_id, "reject an invoice")
        self._invoice_rejected(on, invoice_id, check_text(reason, "a rejection's reason"))

    @event("InvoiceRejected")
    def _invoice_rejected(self, on: date, invoice_id: str, reason: str) -> None:
        self.invoices[invoice_id].update(status="rejected", decided_on=on, note=reason)

    # -- the end ----------------------------------------------------------------------------------

    def end(self, *, on: date, reason: str) -> None:
        """End the procurement (contract over, or plan cancelled); nothing may use it after."""
        check_date(on, "end a procurement")
        self._check_not_ended("end it again")
        if on < self.last_step_on:
            raise ProcurementStateError(
                f"cannot end procurement {self.id} on {on},"
                f" before its last step on {self.last_step_on}"
            )
        pending = [number for number, inv in self.invoices.items() if inv["status"] == "received"]
        if pending:
            raise InvoiceError(
                f"approve or reject invoices {', '.join(pending)} before ending {self.id}"
            )
        self._ended(on, check_text(reason, "the reason for ending"))

    @event("Ended")
    def _ended(self, on: date, reason: str) -> None:
        self.status = ProcurementStatus.ENDED.value
        self.ended_on = on
        self.end_reason = reason

    # -- derived figures --------------------------------------------------------------------------

    @property
    def free_seats(self) -> int:
        """Seats not held by a referral."""
        return self.seats - len(self.reservations)

    def _invoiced(self, *statuses: str) -> Money:
        amounts = (inv["amount"] for inv in self.invoices.values() if inv["status"] in statuses)
        return sum(amounts, Money.zero())

    @property
    def invoiced(self) -> Money:
        """Received and approved invoices: what counts against the value cap."""
        return self._invoiced("received", "approved")

    @property
    def approved(self) -> Money:
        """Approved invoices: what has been posted to the ledgers."""
        return self._invoiced("approved")

    @property
    def value_left(self) -> Money:
        """What is left under the value cap."""
        return (self.value_cap or Money.zero()) - self.invoiced

    def has_free_seat_on(self, on: date) -> bool:
        """Whether a referral could reserve a seat on ``on``."""
        return (
            self.status == ProcurementStatus.CONTRACTED
            and self.contract_period is not None
            and on in self.contract_period
            and self.free_seats > 0
            and self.unit_price is not None
            and self.value_left >= self.unit_price
        )


class ContractIndex(Aggregate):
    """The procurements with a contract in force for one service type, by id.

    Updated in the same save as the contract that joins or leaves it, so a question about free
    seats loads this one index and the contracts it names, never every procurement.
    """

    @event("Created")
    def __init__(self, id: UUID, service_type: str) -> None:
        self.service_type = service_type
        self.procurement_ids: list[str] = []

    @classmethod
    def create(cls, service_type: str) -> ContractIndex:
        """A new, empty index for ``service_type``."""
        return cls(id=contract_index_id(service_type), service_type=service_type)

    def add(self, procurement_id: UUID) -> None:
        """List a procurement whose contract was concluded."""
        if str(procurement_id) not in self.procurement_ids:
            self._contract_listed(procurement_id)

    @event("ContractListed")
    def _contract_listed(self, procurement_id: UUID) -> None:
        self.procurement_ids.append(str(procurement_id))

    def remove(self, procurement_id: UUID) -> None:
        """Take an ended procurement off the list."""
        if str(procurement_id) in self.procurement_ids:
            self._contract_delisted(procurement_id)

    @event("ContractDelisted")
    def _contract_delisted(self, procurement_id: UUID) -> None:
        self.procurement_ids.remove(str(procurement_id))


# Events stored by release 0.1.0 name this module by its old path.
moved("employment_domain.procurements", Procurement, ContractIndex)
