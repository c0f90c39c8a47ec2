"""The money side of the demo year: the contracts with their seats and invoices, and the ledger.

Contracts are planned, tendered or awarded in-house, and concluded through the area's commands;
once concluded they are held in memory, seats are reserved and released as referrals come and
go, and each month's seats are invoiced. An approved invoice goes through the area's command,
which posts it to the ledger in the same save. The ledger is held too, for the monthly postings,
and closed with the area's command at the end.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from employment_domain.area import EmploymentArea
from employment_domain.decisions import Decision
from employment_domain.demo.batch import Batch
from employment_domain.demo.finance import ContractSpec, provider_business_id
from employment_domain.demo.population import DemoError, DemoIds
from employment_domain.ledgers.ledger import Ledger
from employment_domain.money import Money
from employment_domain.procurements.procurement import Procurement, ProcurementStatus
from employment_domain.values import MunicipalityCode, Period

__all__ = ["Accounts"]


class Accounts:
    """The year's contracts and ledger, held in memory; ``on_*`` methods are act handlers."""

    def __init__(
        self,
        area: EmploymentArea,
        ids: DemoIds,
        batch: Batch,
        *,
        year: int,
        scale: float,
        contracts: list[ContractSpec],
    ) -> None:
        self.area, self.ids, self.batch, self.year, self.scale = area, ids, batch, year, scale
        #: The area's id, which its procurements and ledger carry (``area.yaml``).
        self.area_id = area.area_definition.id
        self.specs = {spec.key: spec for spec in contracts}
        self.procurement_ids = {spec.key: ids.next("procurement") for spec in contracts}
        self._keys = {str(pid): key for key, pid in self.procurement_ids.items()}
        self.contracts: dict[str, Procurement] = {}
        self.ledger: Ledger | None = None
        self.split: dict[str, Any] | None = None
        self.ran_out_on: dict[str, date] = {}
        self.after_running_out: dict[str, Counter[str]] = {}
        self._seat_of: dict[UUID, str] = {}
        self._reserved: dict[tuple[str, int], list[UUID]] = {}

    # -- seats -----------------------------------------------------------------------------------

    def offers(self, day: date, service_type: str) -> tuple[str | None, str | None]:
        """The in-house entity's contract with a free seat and the cheapest bought one, as
        procurement ids.

        A contract in force found without a seat is recorded as run out on ``day``.
        """
        entity, bought = None, []
        for key, procurement in self.contracts.items():
            if procurement.service_type != service_type:
                continue
            if procurement.has_free_seat_on(day):
                if procurement.in_house:
                    entity = entity or procurement
                else:
                    bought.append(procurement)
            elif (
                procurement.status == ProcurementStatus.CONTRACTED
                and procurement.contract_period is not None
                and day in procurement.contract_period
                and key not in self.ran_out_on
            ):
                self.ran_out_on[key] = day
                self.after_running_out[key] = Counter()
        cheapest = min(
            bought, key=lambda p: (p.unit_price or Money.zero(), str(p.id)), default=None
        )
        return (
            None if entity is None else str(entity.id),
            None if cheapest is None else str(cheapest.id),
        )

    def take_seat(
        self, decision: Decision, day: date, client_id: UUID, referral_id: UUID, service_type: str
    ) -> None:
        """Reserve the seat the decision procured, and note where a run-out service went."""
        key = self._keys.get(decision.procurement_id or "")
        if key is not None:
            procurement = self.contracts[key]
            procurement.reserve_seat(on=day, client_id=client_id, referral_id=referral_id)
            self.batch.touch(procurement)
            self._seat_of[referral_id] = key
            self._reserved.setdefault((key, day.month), []).append(referral_id)
        for full, since in self.ran_out_on.items():
            if since <= day and self.specs[full].service_type == service_type:
                self.after_running_out[full][key or decision.route.value] += 1

    def release_seat(self, day: date, referral_id: UUID) -> None:
        """Free the seat of a referral whose service ended early, if it held one."""
        key = self._seat_of.pop(referral_id, None)
        if key is not None:
            procurement = self.contracts[key]
            procurement.release_seat(on=day, referral_id=referral_id)
            self.batch.touch(procurement)

    def referrals_to(self, key: str) -> int:
        """How many referrals took a seat of the contract ``key`` during the year."""
        return sum(len(ids) for (held, _), ids in self._reserved.items() if held == key)

    # -- contracts -------------------------------------------------------------------------------

    def on_plan_contract(self, day: date, key: str) -> None:
        spec, pid = self.specs[key], self.procurement_ids[key]
        self.batch.command(
            lambda: self.area.plan_procurement(
                on=day,
                area=self.area_id,
                service_type=spec.service_type,
                title=spec.title,
                estimated_value=self._value_cap(spec),
                period=spec.period(self.year),
                procurement_id=pid,
            )
        )

    def on_tender(self, day: date, key: str, notice: str) -> None:
        pid = self.procurement_ids[key]
        self.batch.command(lambda: self.area.publish_tender(pid, on=day, notice_reference=notice))

    def on_award(self, day: date, key: str, decision_reference: str) -> None:
        spec, pid = self.specs[key], self.procurement_ids[key]
        business_id = provider_business_id(spec)
        if business_id is None:
            self.batch.command(
                lambda: self.area.award_in_house(pid, on=day, provider=spec.provider)
            )
            return
        self.batch.command(
            lambda: self.area.award_procurement(
                pid,
                on=day,
                provider=spec.provider,
                business_id=business_id,
                decision_reference=decision_reference,
            )
        )

    def _value_cap(self, spec: ContractSpec) -> Money:
        """Ten per cent over the seats' price: seats released early are taken again."""
        exact = Decimal(spec.unit_price * spec.seats_at(self.scale)) * Decimal("1.1")
        return Money(exact.quantize(Decimal("1")))

    def on_conclude(self, day: date, key: str) -> None:
        spec, pid = self.specs[key], self.procurement_ids[key]
        self.batch.command(
            lambda: self.area.conclude_contract(
                pid,
                on=day,
                unit_price=Money(spec.unit_price),
                seats=spec.seats_at(self.scale),
                value_cap=self._value_cap(spec),
                period=spec.period(self.year),
            )
        )
        self.contracts[key] = self.area.get_procurement(pid)

    def on_invoice(self, day: date, key: str, month: int) -> None:
        """The provider invoices the seats taken in ``month`` and still held at its end."""
        procurement = self.contracts[key]
        period = procurement.contract_period
        if period is None or procurement.unit_price is None:
            return
        first = max(date(self.year, month, 1), period.start)
        end = min(Period.month(self.year, month).end, period.end)
        held = procurement.reservations
        count = sum(1 for rid in self._reserved.get((key, month), []) if str(rid) in held)
        amount = min(procurement.unit_price.times(count), procurement.value_left)
        if first >= end or amount.amount <= 0:
            return
        number = _invoice_number(key, self.year, month)
        procurement.receive_invoice(
            on=day, invoice_id=number, amount=amount, period=Period(first, end)
        )
        self.batch.touch(procurement)

    def on_approve(self, day: date, key: str, month: int) -> None:
        procurement, number = self.contracts[key], _invoice_number(key, self.year, month)
        if number in procurement.invoices:
            self.batch.command(
                lambda: self.area.approve_invoice(procurement.id, on=day, invoice_id=number),
                procurement,
                self._ledger(),
            )

    def on_end_contract(self, day: date, key: str) -> None:
        procurement = self.contracts[key]
        self.batch.command(
            lambda: self.area.end_procurement(
                procurement.id, on=day, reason="contract period ended"
            ),
            procurement,
        )

    # -- the ledger ------------------------------------------------------------------------------

    def open_ledger(self, day: date) -> None:
        """Open the year's ledger with the area's command and hold it."""
        self.area.open_ledger(self.area_id, self.year, on=day)
        self.ledger = self.area.get_ledger(self.area_id, self.year)

    def _ledger(self) -> Ledger:
        if self.ledger is None:
            raise DemoError("the demo's ledger must be opened before anything is posted")
        self.batch.touch(self.ledger)
        return self.ledger

    def on_cost(
        self, day: date, category: str, amount: Money, source: str, reference: str, text: str
    ) -> None:
        self._ledger().record_cost(
            entry_id=self.ids.next("ledger-entry"),
            on=day,
            category=category,
            amount=amount,
            source=source,
            reference=reference,
            description=text,
        )

    def on_revenue(self, day: date, amount: Money, source: str, reference: str, text: str) -> None:
        self._ledger().record_revenue(
            entry_id=self.ids.next("ledger-entry"),
            on=day,
            amount=amount,
            source=source,
            reference=reference,
            description=text,
        )

    def on_budget(self, day: date, category: str, amount: Money, reference: str) -> None:
        self._ledger().adopt_budget(on=day, category=category, amount=amount, reference=reference)

    def on_basis(self, day: date, basis: Any) -> None:
        self._ledger().record_basis(on=day, basis=basis)

    def on_advance(self, day: date, code: str, amount: Money, reference: str) -> None:
        self._ledger().invoice_advance(
            on=day, municipality=MunicipalityCode(code), amount=amount, reference=reference
        )

    def on_state_subsidy(self, day: date, code: str, amount: Money, reference: str) -> None:
        self._ledger().record_state_subsidy(
            on=day, municipality=MunicipalityCode(code), amount=amount, reference=reference
        )

    def on_staff(self, day: date, function: str, person_years: Decimal) -> None:
        self._ledger().record_staff_resources(on=day, function=function, person_years=person_years)

    def on_close(self, day: date) -> None:
        def close() -> None:
            self.split = self.area.close_year(self.area_id, self.year, on=day)

        self.batch.command(close, self._ledger())


def _invoice_number(key: str, year: int, month: int) -> str:
    return f"{key.upper().replace('_', '-')}-{year}-{month:02d}"
