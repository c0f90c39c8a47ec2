"""Random histories of the whole area through the public ``EmploymentArea`` API.

A history is a list of :class:`Step`: a command kind, which jobseeker, employer or procurement it
is about, a small number for its variant, and how many days after the previous step. Jobseekers
start, move, end, restart, are referred, served, employed, interviewed; employers register, are
contacted, get subsidies, report and fill vacancies, negotiate and dismiss; procurements are
contracted, seats reserved and released, invoices received, approved and rejected; the ledger
year gets its bases, costs, revenues, advances, state subsidies, budget, staff and its close.
Refused commands record nothing; :data:`EVERY_KIND` lists every kind once, in a working order,
so that a test can show that every projection gets rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID, uuid5

import attrs
from hypothesis import strategies as st

from employment_domain import EmploymentArea, Period, RoutingCapacity
from employment_domain.employers.records import DismissedEmployee
from employment_domain.errors import EmploymentDomainError

AREA = "espoo-kauniainen"
YEAR = 2025
MUNICIPALITIES = ("049", "235")
DISTRICTS = ("Leppävaara", "Tapiola", "unknown")
SERVICES = ("coaching", "job_placement", "labour_market_training")
CATEGORIES = ("staff", "purchased_services", "premises", "ict_and_support_services", "other")
SUBSIDIES = ("wage_subsidy", "apprenticeship", "job_coaching", "work_arrangement")
NAMESPACE = UUID(int=2025)
CLIENTS, EMPLOYERS, PROCUREMENTS = 5, 3, 2

CLIENT_KINDS = (
    "start",
    "move",
    "end",
    "restart",
    "refer",
    "start_service",
    "complete_service",
    "interrupt_service",
    "employ",
    "end_employment",
    "initial_interview",
    "discussion",
    "plan",
)
EMPLOYER_KINDS = (
    "register",
    "contact",
    "subsidy",
    "vacancy",
    "fill",
    "withdraw",
    "negotiate",
    "dismiss",
    "close_case",
)
PROCUREMENT_KINDS = ("contract", "reserve", "release", "invoice", "approve", "reject", "end")
LEDGER_KINDS = (
    "open",
    "basis",
    "cost",
    "revenue",
    "advance",
    "state_subsidy",
    "budget",
    "staff",
    "close",
)
KINDS = CLIENT_KINDS + EMPLOYER_KINDS + PROCUREMENT_KINDS + LEDGER_KINDS


@attrs.frozen
class Step:
    """One command: its kind, whom it is about (by number), a variant, days after the last."""

    kind: str
    who: int
    variant: int
    days_later: int


steps = st.builds(
    Step,
    kind=st.sampled_from(KINDS),
    who=st.integers(min_value=0, max_value=4),
    variant=st.integers(min_value=0, max_value=5),
    days_later=st.integers(min_value=0, max_value=12),
)
#: Every kind once, in an order in which each is accepted.
EVERY_KIND = [
    Step(kind, who, variant, 250 if kind == "close" else 3)
    for kind, variant, who in (
        ("open", 0, 0),
        ("basis", 0, 0),
        ("basis", 1, 0),
        ("budget", 0, 0),
        ("register", 0, 0),
        ("contract", 0, 0),
        ("contract", 0, 1),
        ("start", 0, 0),
        ("initial_interview", 0, 0),
        ("plan", 0, 0),
        ("refer", 2, 0),
        ("reserve", 0, 0),
        ("start_service", 2, 0),
        ("complete_service", 2, 0),
        ("refer", 0, 0),
        ("interrupt_service", 0, 0),
        ("discussion", 0, 0),
        ("move", 1, 0),
        ("contact", 0, 0),
        ("subsidy", 0, 0),
        ("vacancy", 0, 0),
        ("fill", 0, 0),
        ("vacancy", 1, 0),
        ("withdraw", 1, 0),
        ("employ", 0, 0),
        ("end_employment", 0, 0),
        ("end", 0, 0),
        ("restart", 1, 0),
        ("negotiate", 0, 0),
        ("dismiss", 0, 0),
        ("refer", 1, 0),
        ("refer", 3, 0),
        ("reserve", 5, 1),
        ("release", 5, 1),
        ("close_case", 0, 0),
        ("invoice", 0, 0),
        ("approve", 0, 0),
        ("invoice", 1, 0),
        ("reject", 1, 0),
        ("release", 0, 0),
        ("cost", 0, 0),
        ("revenue", 0, 0),
        ("advance", 0, 0),
        ("state_subsidy", 0, 0),
        ("staff", 0, 0),
        ("end", 1, 0),
        ("close", 0, 0),
    )
]


def _id(kind: str, number: int) -> UUID:
    return uuid5(NAMESPACE, f"{kind}:{number}")


def business_id(number: int) -> str:
    """A valid Finnish business id (Y-tunnus) for employer ``number``."""
    for serial in range(1_000_000 + number * 100, 1_000_000 + number * 100 + 100):
        digits = f"{serial:07d}"
        remainder = (
            sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
        )
        if remainder != 1:
            return f"{digits}-{0 if remainder == 0 else 11 - remainder}"
    raise AssertionError("no business id")  # pragma: no cover


def _client(area: EmploymentArea, step: Step, on: date, employers: dict[int, UUID]) -> None:
    client = _id("client", step.who % CLIENTS)
    # Variant 3 of "refer" is a referral of its own, routed to a partner under its agreement.
    partner_referral = step.kind == "refer" and step.variant == 3
    referral = _id(f"referral:{client}", 3 if partner_referral else step.variant % 3)
    employment = _id(f"employment:{client}", step.variant % 2)
    municipality = MUNICIPALITIES[step.variant % 2]
    # Districts are Espoo's; a Kauniainen client's is unknown.
    district = DISTRICTS[step.variant % 3] if municipality == "049" else "unknown"
    match step.kind:
        case "start":
            area.start_job_search(
                on=on,
                municipality=municipality,
                birth_date=date(1955 + 10 * step.variant, 3, 14),
                district=district,
                mother_tongue=("fin", "swe", "ara")[step.variant % 3],
                first_residence_permit_on=date(2021, 5, 1) if step.variant % 3 == 2 else None,
                partially_able_to_work=step.variant == 4,
                client_id=client,
            )
        case "move":
            area.change_client_facts(client, on=on, municipality=municipality, district=district)
        case "end":
            area.end_job_search(client, on=on, reason=("employed", "moved_away")[step.variant % 2])
        case "restart":
            area.restart_job_search(client, on=on)
        case "refer" if step.variant == 3:  # Vantaa's agreement covers training try-outs
            area.refer_with_routing(
                client,
                on=on,
                service_type="training_try_out",
                referral_id=referral,
                capacity=RoutingCapacity(partner_agreement="vantaa"),
            )
        case "refer":
            service = SERVICES[step.variant % 3]
            area.refer_with_routing(client, on=on, service_type=service, referral_id=referral)
        case "start_service":
            area.start_service(client, referral, on=on)
        case "complete_service":
            area.complete_service(client, referral, on=on)
        case "interrupt_service":
            area.interrupt_service(client, referral, on=on, reason="illness")
        case "employ":
            area.record_employment(
                client,
                on=on,
                kind=("open_market", "subsidised")[step.variant % 2],
                term=("permanent", "fixed_term")[step.variant % 2],
                employer_id=employers.get(step.variant % EMPLOYERS),
                employment_id=employment,
            )
        case "end_employment":
            area.end_employment(client, employment, on=on)
        case "initial_interview":
            area.hold_initial_interview(client, on=on)
        case "discussion":
            area.hold_job_search_discussion(client, on=on)
        case "plan":
            area.agree_plan(client, on=on)


def _employer(area: EmploymentArea, step: Step, on: date, employers: dict[int, UUID]) -> None:
    number = step.who % EMPLOYERS
    if step.kind == "register":
        if number not in employers:
            employers[number] = area.register_employer(
                on=on,
                business_id=business_id(number),
                name=f"Employer {number}",
                municipality=MUNICIPALITIES[number % 2],
                industry=("62010", "C", "47")[number],
            )
        return
    if number not in employers:
        return
    employer = employers[number]
    vacancy = _id(f"vacancy:{employer}", step.variant % 2)
    notice = _id(f"notice:{employer}", step.variant % 2)
    match step.kind:
        case "contact":
            area.record_employer_contact(employer, on=on, topic="recruitment")
        case "subsidy":
            area.decide_subsidy(
                employer,
                on=on,
                kind=SUBSIDIES[step.variant % 4],
                period=Period(on, on + timedelta(days=90)),
                rate_percent=50 if step.variant % 4 < 2 else None,
                client_id=_id("client", step.variant % CLIENTS),
            )
        case "vacancy":
            area.report_vacancy(
                employer, on=on, title="Developer", location="049", positions=2, vacancy_id=vacancy
            )
        case "fill":
            area.fill_vacancy(employer, vacancy, on=on, client_id=_id("client", step.variant))
        case "withdraw":
            area.withdraw_vacancy(employer, vacancy, on=on, reason="budget")
        case "negotiate":
            area.notify_change_negotiations(
                employer, on=on, employees_affected=20, negotiation_id=_id("negotiation", number)
            )
        case "dismiss":
            area.notify_dismissals(
                employer,
                on=on,
                count=12 + step.variant,
                dismissed_on=on + timedelta(days=30),
                employees=[
                    DismissedEmployee(57, 8, _id("client", 0)),
                    DismissedEmployee(40, 2, None),
                ],
                negotiation_id=_id("negotiation", number) if step.variant % 2 == 0 else None,
                notice_id=notice,
            )
        case "close_case":
            for case_id in list(area.get_employer(employer).cases):
                area.close_structural_change_case(employer, case_id, on=on)


def _procurement(area: EmploymentArea, step: Step, on: date) -> None:
    number = step.who % PROCUREMENTS
    procurement = _id("procurement", number)
    invoice = f"INV-{number}-{step.variant % 2}"
    # Variants 0-4 name a client's first referral, 5 the first client's second one.
    client = _id("client", step.variant % CLIENTS)
    referral = _id(f"referral:{client}", step.variant // CLIENTS)
    match step.kind:
        case "contract":
            area.plan_procurement(
                on=on,
                area=AREA,
                service_type=("labour_market_training", "change_security_training")[number],
                title=f"Training {number}",
                estimated_value="250000.00",
                period=Period.year(YEAR),
                procurement_id=procurement,
            )
            area.award_in_house(procurement, on=on, provider="Omnia")
            area.conclude_contract(
                procurement,
                on=on,
                unit_price="5000.00",
                seats=20,
                value_cap="250000.00",
                period=Period(on, date(YEAR + 1, 12, 31)),
            )
        case "reserve":
            area.reserve_seat(procurement, on=on, client_id=client, referral_id=referral)
        case "release":
            area.release_seat(procurement, on=on, referral_id=referral)
        case "invoice":
            area.receive_invoice(
                procurement,
                on=on,
                invoice_id=invoice,
                amount=f"{1000 + 250 * step.variant}.50",
                period=Period(on - timedelta(days=30), on),
            )
        case "approve":
            area.approve_invoice(procurement, on=on, invoice_id=invoice)
        case "reject":
            area.reject_invoice(procurement, on=on, invoice_id=invoice, reason="wrong period")
        case "end":
            area.end_procurement(procurement, on=on, reason="contract ended")


def _ledger(area: EmploymentArea, step: Step, on: date) -> None:
    municipality = MUNICIPALITIES[step.variant % 2]
    amount = f"{10_000 * (step.variant + 1)}.25"
    match step.kind:
        case "open":
            area.open_ledger(AREA, YEAR, on=on)
        case "basis":
            area.record_allocation_basis(
                AREA,
                YEAR,
                on=on,
                municipality=municipality,
                population_18_64=(326_280, 10_250)[step.variant % 2] + step.who,
                population_reference_date=date(YEAR - 1, 12, 31),
                population_source="Statistics Finland",
                unemployed_broad=(17_842, 560)[step.variant % 2],
                unemployed_reference_date=date(YEAR - 1, 11, 30),
                unemployed_source="Employment service statistics",
            )
        case "cost":
            area.record_cost(
                AREA,
                YEAR,
                on=on,
                category=CATEGORIES[step.variant % 5],
                amount=amount,
                source="invoice",
                reference=f"cost {step.who}",
            )
        case "revenue":
            area.record_revenue(
                AREA, YEAR, on=on, amount="1500.00", source="voucher", reference="EU"
            )
        case "advance":  # only a municipality other than the responsible one is invoiced
            area.invoice_advance(
                AREA, YEAR, on=on, municipality="235", amount=amount, reference="advance"
            )
        case "state_subsidy":
            area.record_state_subsidy(
                AREA, YEAR, on=on, municipality=municipality, amount=amount, reference="VOS"
            )
        case "budget":
            area.adopt_budget(
                AREA,
                YEAR,
                on=on,
                category=CATEGORIES[step.variant % 5],
                amount="900000.00",
                reference="council 2024",
            )
        case "staff":
            area.record_staff_resources(
                AREA, YEAR, on=on, function="customer_service", person_years="12.5"
            )
        case "close":
            area.close_year(AREA, YEAR, on=on)


def run_history(
    area: EmploymentArea, history: list[Step], after: Callable[[int], None] | None = None
) -> list[int]:
    """Apply the steps from the start of the ledger year (refused ones record nothing); the log
    position after each. ``after(n)``, if given, is called once ``n`` steps are applied (a live
    read model catches up there)."""
    day = date(YEAR, 1, 2)
    positions = []
    employers: dict[int, UUID] = {}
    for step in history:
        day += timedelta(days=step.days_later)
        try:
            if step.kind in CLIENT_KINDS:
                _client(area, step, day, employers)
            elif step.kind in EMPLOYER_KINDS:
                _employer(area, step, day, employers)
            elif step.kind in PROCUREMENT_KINDS:
                _procurement(area, step, day)
            else:
                _ledger(area, step, day)
        except EmploymentDomainError:
            pass
        positions.append(area.head_position())
        if after is not None:
            after(len(positions))
    return positions
