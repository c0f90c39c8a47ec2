"""Commands and queries about procurements of purchased services: load, call one method, save.

An approved invoice is posted to the cost ledger of its year in the same save as the approval, so a
purchased-service cost is recorded once and never entered twice. Seat reservations repeat
themselves when another writer saved the contract first, so of two referrals racing for the last
seat one gets it and the other is refused with CapacityError.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4, uuid5

from employment_domain.commands.ledgers import Amount, LedgerCommands, in_euros, retry_on_conflict
from employment_domain.errors import NotFoundError
from employment_domain.ledgers.ledger import CostCategory, PostingSource
from employment_domain.money import Money
from employment_domain.procurements.procurement import ContractIndex, Procurement, contract_index_id
from employment_domain.values import BusinessId, Period

__all__ = ["ProcurementCommands"]


class ProcurementCommands(LedgerCommands):
    """The purchased-service procurements side of the employment area.

    It builds on the ledger commands because approving an invoice posts its cost to a ledger.
    """

    def plan_procurement(
        self,
        *,
        on: date,
        area: str,
        service_type: str,
        title: str,
        estimated_value: Amount,
        period: Period,
        currency: str = "EUR",
        procurement_id: UUID | None = None,
    ) -> UUID:
        """Plan a procurement of a purchasable service type; returns its id.

        ``area`` names the ledgers its invoices are posted to. The purchasable service types are
        the dated parameter ``purchasable_service_types`` in force on ``on``.
        """
        procurement = Procurement.plan(
            procurement_id or uuid4(),
            on=on,
            area=area,
            service_type=service_type,
            title=title,
            estimated_value=in_euros(estimated_value, currency),
            period=period,
            purchasable=list(self.parameters.value("purchasable_service_types", on)),
        )
        self._save(procurement)
        return procurement.id

    def get_procurement(self, procurement_id: UUID) -> Procurement:
        """The procurement aggregate itself."""
        return self._load(Procurement, procurement_id)

    def _change_procurement(
        self, procurement_id: UUID, change: Callable[[Procurement], None]
    ) -> None:
        def attempt() -> None:
            procurement = self.get_procurement(procurement_id)
            change(procurement)
            self._save(procurement)

        retry_on_conflict(attempt)

    def publish_tender(self, procurement_id: UUID, *, on: date, notice_reference: str) -> None:
        """Record the published tender notice."""
        self._change_procurement(
            procurement_id, lambda p: p.publish_tender(on=on, notice_reference=notice_reference)
        )

    def award_procurement(
        self,
        procurement_id: UUID,
        *,
        on: date,
        provider: str,
        business_id: BusinessId | str,
        decision_reference: str,
    ) -> None:
        """Award the tendered procurement to a provider."""
        business = business_id if isinstance(business_id, BusinessId) else BusinessId(business_id)
        self._change_procurement(
            procurement_id,
            lambda p: p.award(
                on=on,
                provider=provider,
                business_id=business,
                decision_reference=decision_reference,
            ),
        )

    def award_in_house(
        self, procurement_id: UUID, *, on: date, provider: str, legal_ground: str | None = None
    ) -> None:
        """Award without a tender to an in-house entity (Omnia), recording the legal ground.

        The entities and the default legal ground are the dated parameters ``in_house_entities``
        and ``in_house_award_legal_ground`` (hankintalaki 15 §).
        """
        ground = legal_ground or self.parameters.value("in_house_award_legal_ground", on)
        entities = list(self.parameters.value("in_house_entities", on))
        self._change_procurement(
            procurement_id,
            lambda p: p.award_in_house(
                on=on, provider=provider, legal_ground=ground, in_house_entities=entities
            ),
        )

    def conclude_contract(
        self,
        procurement_id: UUID,
        *,
        on: date,
        unit_price: Amount,
        seats: int,
        value_cap: Amount,
        period: Period,
        target_groups: list[str] | None = None,
        currency: str = "EUR",
    ) -> None:
        """Fix the contract's terms and list it in the index of its service type, in one save."""
        price, cap = in_euros(unit_price, currency), in_euros(value_cap, currency)

        def attempt() -> None:
            procurement = self.get_procurement(procurement_id)
            procurement.conclude_contract(
                on=on,
                unit_price=price,
                seats=seats,
                value_cap=cap,
                period=period,
                target_groups=list(target_groups or []),
            )
            index = self._contract_index(procurement.service_type)
            index.add(procurement.id)
            self._save(procurement, index)

        retry_on_conflict(attempt)

    def _contract_index(self, service_type: str) -> ContractIndex:
        try:
            return self._load(ContractIndex, contract_index_id(service_type))
        except NotFoundError:
            return ContractIndex.create(service_type)

    def reserve_seat(
        self, procurement_id: UUID, *, on: date, client_id: UUID, referral_id: UUID
    ) -> None:
        """Reserve a seat for a client's referral; CapacityError when every seat is taken."""
        self._change_procurement(
            procurement_id,
            lambda p: p.reserve_seat(on=on, client_id=client_id, referral_id=referral_id),
        )

    def release_seat(self, procurement_id: UUID, *, on: date, referral_id: UUID) -> None:
        """Release a referral's seat when its service ends early."""
        self._change_procurement(
            procurement_id, lambda p: p.release_seat(on=on, referral_id=referral_id)
        )

    def receive_invoice(
        self,
        procurement_id: UUID,
        *,
        on: date,
        invoice_id: str,
        amount: Amount,
        period: Period,
        currency: str = "EUR",
    ) -> None:
        """Receive a provider's invoice for a period of the contract."""
        money = in_euros(amount, currency)
        self._change_procurement(
            procurement_id,
            lambda p: p.receive_invoice(on=on, invoice_id=invoice_id, amount=money, period=period),
        )

    def approve_invoice(self, procurement_id: UUID, *, on: date, invoice_id: str) -> UUID:
        """Approve an invoice and post its cost to the ledger of its year, in one save.

        The year is that of the invoiced period. If that year is already closed, the cost goes
        to the next year's ledger as a prior-year adjustment. Returns the ledger entry's id.
        """
        entry_id = uuid5(procurement_id, f"invoice:{invoice_id}")

        def attempt() -> None:
            procurement = self.get_procurement(procurement_id)
            procurement.approve_invoice(on=on, invoice_id=invoice_id)
            invoice = procurement.invoices[invoice_id]
            year = invoice["period"].start.year
            ledger = self.get_ledger(procurement.area, year)
            adjusts_year = None
            if ledger.is_closed:
                ledger, adjusts_year = self.get_ledger(procurement.area, year + 1), year
            ledger.record_cost(
                entry_id=entry_id,
                on=on,
                category=CostCategory.PURCHASED_SERVICES,
                amount=invoice["amount"],
                source=PostingSource.INVOICE,
                reference=f"procurement {procurement.id} invoice {invoice_id}",
                description=f"{procurement.title}: {procurement.provider}, {invoice['period']}",
                adjusts_year=adjusts_year,
            )
            self._save(procurement, ledger)

        retry_on_conflict(attempt)
        return entry_id

    def reject_invoice(
        self, procurement_id: UUID, *, on: date, invoice_id: str, reason: str
    ) -> None:
        """Reject a received invoice; it no longer counts against the value cap."""
        self._change_procurement(
            procurement_id,
            lambda p: p.reject_invoice(on=on, invoice_id=invoice_id, reason=reason),
        )

    def end_procurement(self, procurement_id: UUID, *, on: date, reason: str) -> None:
        """End the procurement and take it off the index of its service type, in one save."""

        def attempt() -> None:
            procurement = self.get_procurement(procurement_id)
            procurement.end(on=on, reason=reason)
            index = self._contract_index(procurement.service_type)
            if str(procurement.id) in index.procurement_ids:
                index.remove(procurement.id)
                self._save(procurement, index)
            else:
                self._save(procurement)

        retry_on_conflict(attempt)

    def contracts_with_free_seats(
        self, service_type: str, on: date, *, area: str | None = None
    ) -> list[dict[str, Any]]:
        """The contracts of ``service_type`` in force on ``on`` with a seat and money left.

        Reads the service type's index and the contracts it lists, never every procurement.
        Ordered by unit price, then procurement id; ``area`` keeps only that area's contracts.
        """
        try:
            index = self._load(ContractIndex, contract_index_id(service_type))
        except NotFoundError:
            return []
        free = []
        for procurement_id in index.procurement_ids:
            procurement = self.get_procurement(UUID(procurement_id))
            if procurement.has_free_seat_on(on) and area in (None, procurement.area):
                free.append(_contract_summary(procurement))
        return sorted(free, key=lambda c: (Decimal(c["unit_price"]), c["procurement_id"]))

    def procurement_state(self, procurement_id: UUID) -> dict[str, Any]:
        """The procurement as plain data: dates as ISO text, money as Decimal text."""
        p = self.get_procurement(procurement_id)
        return {
            "id": str(p.id),
            "version": p.version,
            "area": p.area,
            "service_type": p.service_type,
            "title": p.title,
            "status": p.status,
            "planned_on": p.planned_on.isoformat(),
            "estimated_value": _text(p.estimated_value),
            "planned_period": _period(p.planned_period),
            "tender_reference": p.tender_reference,
            "provider": p.provider,
            "business_id": None if p.business_id is None else p.business_id.value,
            "award_reference": p.award_reference,
            **_contract_summary(p),
            "reservations": {
                referral: {"client_id": r["client_id"], "reserved_on": r["reserved_on"].isoformat()}
                for referral, r in p.reservations.items()
            },
            "invoices": {
                number: {
                    "amount": _text(inv["amount"]),
                    "period": _period(inv["period"]),
                    "received_on": inv["received_on"].isoformat(),
                    "status": inv["status"],
                    "decided_on": None
                    if inv["decided_on"] is None
                    else inv["decided_on"].isoformat(),
                    "note": inv["note"],
                }
                for number, inv in p.invoices.items()
            },
            "invoiced": _text(p.invoiced),
            "approved": _text(p.approved),
            "ended_on": None if p.ended_on is None else p.ended_on.isoformat(),
            "end_reason": p.end_reason,
        }


def _contract_summary(p: Procurement) -> dict[str, Any]:
    return {
        "procurement_id": str(p.id),
        "area": p.area,
        "service_type": p.service_type,
        "provider": p.provider,
        "in_house": p.in_house,
        "unit_price": None if p.unit_price is None else _text(p.unit_price),
        "seats": p.seats,
        "free_seats": p.free_seats,
        "value_cap": None if p.value_cap is None else _text(p.value_cap),
        "value_left": _text(p.value_left),
        "contract_period": None if p.contract_period is None else _period(p.contract_period),
        "target_groups": list(p.target_groups),
    }


def _text(amount: Money) -> str:
    return str(amount.amount)


def _period(period: Period) -> dict[str, str]:
    """A period as its first and last day inclusive, as contracts write them."""
    return {"first_day": period.start.isoformat(), "last_day": period.last_day.isoformat()}
