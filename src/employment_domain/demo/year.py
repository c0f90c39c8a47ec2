"""The demo year: a whole year of an employment area simulated into a store.

``run_demo`` generates the jobseekers, employers, contracts and ledger postings of a year from one
seed (docs/domain.md §4 for the volumes), transfers the TE office's jobseekers with their
record, then runs the year day by day through the library's own aggregates and rules: initial
interviews and discussions, referrals routed by the rulebook with capacity facts from the
contracts (so routing moves on when a contract's seats run out), services, work found, vacancies,
subsidies, one structural-change case, invoices posted to the ledger, and the year closed and
split between the contracting municipalities. The same seed and scale always write the same
events. The area is the one whose rules the store was opened with: everything area-specific
(municipalities, districts, offices, partners, the in-house entity, budget, allocation basis)
comes from its rules folder (:class:`~employment_domain.demo.area_data.DemoArea`), so the
packaged rules give a year of Espoo–Kauniainen and another folder a year of that area.

The transferred jobseekers' job searches started before the year (on 2.5.2022 at the earliest,
when the Nordic service model came into force), with their initial interview and discussions
recorded on those dates, so that about 40 % of the year-end unemployed are long-term as in
docs/domain.md §4. The deadlines of those earlier acts need the process parameters before 2025,
which ``rules/parameters`` does not hold yet; the demo itself never asks for them, and its
deadline figures count the job searches started in the year.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import attrs

from employment_domain.area import EmploymentArea
from employment_domain.demo.accounts import Accounts
from employment_domain.demo.area_data import DemoArea
from employment_domain.demo.employers import Dismissal, EmployerScripts
from employment_domain.demo.finance import (
    CHANGE_SECURITY,
    ContractSpec,
    closing_days,
    contracts,
    provider_business_id,
    schedule_contracts,
    schedule_finance,
)
from employment_domain.demo.population import (
    DemoError,
    DemoIds,
    Person,
    Volumes,
    generate_employers,
    generate_people,
    working_day,
)
from employment_domain.demo.runner import YearRunner, next_monday
from employment_domain.demo.timeline import Agenda, History, JobseekerScripts, Phase
from employment_domain.target_groups import TARGET_GROUPS

__all__ = ["ContractUse", "DemoError", "DemoSummary", "Progress", "run_demo"]

#: ``progress(stage, done, total)``: stages are population, transfer, year and summary.
Progress = Callable[[str, int, int], None]

_TRANSFER_BATCH = 2_000  # transferred jobseekers saved per batch
_MAX_SCALE = 5.0


@attrs.frozen
class ContractUse:
    """How one contract was used: seats, referrals, when it ran out and where referrals went."""

    key: str
    procurement_id: str
    service_type: str
    provider: str
    in_house: bool
    seats: int
    referrals: int
    ran_out_on: date | None
    after_running_out: dict[str, int]
    approved_invoices: str


@attrs.frozen
class DemoSummary:
    """What the demo wrote: counts, routing, contracts, the year-end caseload and the split.

    ``events_written`` and ``notification_position`` come from the store's notification log;
    a contract's ``after_running_out`` names where that service's later referrals were produced
    (a contract's key, or a route); ``deadlines`` counts, per statutory act, the deadlines due in
    the year for job searches started in it, and how many were met; ``ledger`` is the closed
    ledger's costs by category, revenues and net cost, which ``cost_split`` shares out.
    """

    year: int
    scale: float
    seed: int
    clients: int
    transferred_clients: int
    new_clients: int
    dismissed_clients: int
    employers: int
    procurements: int
    events_written: int
    notification_position: int
    decisions_by_route: dict[str, int]
    contracts: tuple[ContractUse, ...]
    structural_change_cases: int
    change_security_entitled: int
    active_job_searches_at_year_end: int
    unemployed_at_year_end: int
    unemployed_by_municipality: dict[str, int]
    unemployed_by_target_group: dict[str, int]
    deadlines: dict[str, dict[str, int]]
    acts: dict[str, int]
    ledger: dict[str, str]
    cost_split: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain data (dates as ISO text), ready for JSON."""
        data = attrs.asdict(self)
        for contract in data["contracts"]:
            ran_out = contract["ran_out_on"]
            contract["ran_out_on"] = None if ran_out is None else ran_out.isoformat()
        return data


def _silent(stage: str, done: int, total: int) -> None:
    """The default progress callback: nothing to draw."""


def _check(area: object, year: object, scale: object, seed: object) -> None:
    if not isinstance(area, EmploymentArea):
        raise DemoError(f"the demo runs in an EmploymentArea, not {area!r}")
    if isinstance(year, bool) or not isinstance(year, int) or not 2025 <= year <= 9990:
        raise DemoError(f"the demo simulates a year from 2025 on, when the area began: {year!r}")
    if isinstance(scale, bool) or not isinstance(scale, int | float):
        raise DemoError(f"a scale is a number like 0.1 or 1.0: {scale!r}")
    if not 0 < scale <= _MAX_SCALE:
        raise DemoError(f"a scale is more than 0 and at most {_MAX_SCALE}: {scale!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise DemoError(f"a seed is a whole number: {seed!r}")


def run_demo(
    area: EmploymentArea,
    *,
    year: int = 2025,
    scale: float = 1.0,
    seed: int = 2025,
    progress: Progress | None = None,
) -> DemoSummary:
    """Simulate ``year`` of the area into ``area``'s empty store; returns what was written.

    ``scale`` 1.0 is the real area (about 30,000 jobseekers, 300 employers, 21 M€); smaller
    scales shrink people, employers, seats and money together. Raises :class:`DemoError` for a
    bad argument or a store that already holds events.
    """
    _check(area, year, scale, seed)
    tell = progress or _silent
    start_position = area.head_position()
    if start_position:
        raise DemoError(
            f"the demo writes a whole year into an empty store; {area.store_description} holds"
            f" {start_position} events already"
        )
    drawn = _draw(area, year=year, scale=scale, seed=seed, tell=tell)
    runner = YearRunner(
        area,
        drawn.ids,
        year=year,
        scale=scale,
        contracts=drawn.contracts,
        partner_seats=drawn.demo.partner_seats,
    )
    runner.accounts.open_ledger(working_day(date(year, 1, 1)))
    _transfer(runner, drawn.transferred, tell)
    _run_year(runner, drawn.agenda, tell)
    tell("summary", 0, 1)
    summary = _summary(runner, drawn, start_position=start_position, seed=seed)
    tell("summary", 1, 1)
    return summary


@attrs.frozen
class _DrawnYear:
    """Everything drawn before the year runs: people, employers, contracts and the agenda."""

    ids: DemoIds
    demo: DemoArea
    people: list[Person]
    employers: int
    entitled: int
    contracts: list[ContractSpec]
    transferred: list[tuple[Person, list[tuple[str, date]], History]]
    agenda: Agenda


def _draw(
    area: EmploymentArea, *, year: int, scale: float, seed: int, tell: Progress
) -> _DrawnYear:
    """Draw the population and every act of the year from the seed."""
    rng, ids = random.Random(seed), DemoIds(seed, year)
    volumes = Volumes.at(scale)
    tell("population", 0, volumes.transferred + volumes.new + volumes.dismissed)
    parameters = area.parameters
    demo = DemoArea.of(area, year)
    planned = contracts(demo.in_house_entity)
    taken = {business_id.value for spec in planned if (business_id := provider_business_id(spec))}
    employers = generate_employers(
        rng,
        year=year,
        count=volumes.employers,
        taken=taken,
        places=demo.employer_places,
        municipalities=demo.employer_municipalities,
    )
    case = Dismissal.planned(employers, year)
    people = generate_people(
        rng,
        ids,
        year=year,
        volumes=volumes,
        municipalities=demo.client_municipalities,
        districts=demo.districts,
        dismissal_registration=case.registration,
    )
    agenda = Agenda()
    employer_scripts = EmployerScripts(
        rng,
        ids,
        agenda,
        year=year,
        parameters=parameters,
        employers=employers,
        contact_topics=demo.contact_topics,
    )
    jobseekers = JobseekerScripts(
        rng, ids, agenda, year=year, parameters=parameters, hire=employer_scripts.hire
    )
    employer_scripts.script(case)
    dismissed = [person for person in people if person.origin == "dismissed"]
    entitled = employer_scripts.structural_change(case, dismissed)
    change_security = attrs.evolve(CHANGE_SECURITY, seats=len(entitled) + 2)
    transferred: list[tuple[Person, list[tuple[str, date]], History]] = []
    for number, person in enumerate(people, start=1):
        history = None
        if person.origin == "transferred":
            history, record = jobseekers.history(person)
            transferred.append((person, sorted(record, key=lambda act: act[1]), history))
        trains = person.client_id in entitled
        jobseekers.script(
            person,
            history,
            dismissed_on=case.dismissed_on if person.origin == "dismissed" else None,
            change_security_from=change_security.period(year).start if trains else None,
        )
        if number % _TRANSFER_BATCH == 0:
            tell("population", number, len(people))
    specs = [*planned, change_security]
    schedule_contracts(agenda, specs, year)
    schedule_finance(
        agenda,
        year=year,
        scale=scale,
        weights=area.split_weights(year),
        demo=demo,
        instalments=int(area.parameters.value("advance_instalments_per_year", date(year, 1, 1))),
    )
    agenda.add(closing_days(year)[1], Phase.FINANCE, "close")
    tell("population", len(people), len(people))
    return _DrawnYear(
        ids=ids,
        demo=demo,
        people=people,
        employers=len(employers),
        entitled=len(entitled),
        contracts=specs,
        transferred=transferred,
        agenda=agenda,
    )


def _transfer(
    runner: YearRunner,
    transferred: list[tuple[Person, list[tuple[str, date]], History]],
    tell: Progress,
) -> None:
    """Write the TE office's jobseekers with their record before the year, in batches."""
    total = len(transferred)
    for number, (person, record, history) in enumerate(transferred, start=1):
        client = runner.new_client(person)
        for kind, day in record:
            if kind == "interview":
                client.hold_initial_interview(on=day, contact=runner.contact(kind, client, day))
            elif kind == "discussion":
                contact = runner.contact(kind, client, day)
                client.hold_job_search_discussion(on=day, contact=contact)
            elif history.employment_id is not None:
                client.record_employment(
                    on=day,
                    employment_id=history.employment_id,
                    kind="open_market",
                    term="fixed_term",
                )
        if number % _TRANSFER_BATCH == 0 or number == total:
            runner.flush()
            tell("transfer", number, total)


def _run_year(runner: YearRunner, agenda: Agenda, tell: Progress) -> None:
    """Run the agenda in business-date order, saving the touched aggregates once a week."""
    acts = agenda.in_order()
    if not acts:
        return
    first, last = acts[0][0], acts[-1][0]
    save_at, current, day = next_monday(date.fromordinal(first)).toordinal(), -1, date.min
    for ordinal, _, _, kind, payload in acts:
        if ordinal != current:
            if ordinal >= save_at:
                runner.flush()
                save_at = next_monday(date.fromordinal(ordinal)).toordinal()
            current, day = ordinal, date.fromordinal(ordinal)
            tell("year", ordinal - first, last - first)
        runner.run(day, kind, payload)
    runner.flush()
    tell("year", last - first, last - first)


def _summary(
    runner: YearRunner, drawn: _DrawnYear, *, start_position: int, seed: int
) -> DemoSummary:
    year_end = date(runner.year, 12, 31)
    parameters = runner.parameters
    active = unemployed = 0
    places: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    for client in runner.clients.values():
        active += client.job_search_active
        if client.unemployed_since(year_end, parameters) is not None:
            unemployed += 1
            places[client.municipality.code] += 1
            groups.update(client.target_groups(year_end, parameters))
    position = runner.area.head_position()
    origins = [person.origin for person in drawn.people]
    accounts = runner.accounts
    ledger, split = accounts.ledger, accounts.split
    if ledger is None or split is None:
        raise DemoError("the demo year ended without its ledger closed")
    return DemoSummary(
        year=runner.year,
        scale=runner.scale,
        seed=seed,
        clients=len(runner.clients),
        transferred_clients=origins.count("transferred"),
        new_clients=origins.count("new"),
        dismissed_clients=origins.count("dismissed"),
        employers=drawn.employers,
        procurements=len(accounts.contracts),
        events_written=position - start_position,
        notification_position=position,
        decisions_by_route=dict(sorted(runner.routes.items())),
        contracts=tuple(_contract_use(accounts, key) for key in accounts.contracts),
        structural_change_cases=sum(len(e.cases) for e in runner.employers.values()),
        change_security_entitled=drawn.entitled,
        active_job_searches_at_year_end=active,
        unemployed_at_year_end=unemployed,
        unemployed_by_municipality=dict(sorted(places.items())),
        unemployed_by_target_group={group: groups[group] for group in TARGET_GROUPS},
        deadlines=_deadlines(runner),
        acts=dict(sorted(runner.acts.items())),
        ledger={
            **{name: str(money.amount) for name, money in ledger.costs_by_category().items()},
            "costs": str(ledger.costs.amount),
            "revenues": str(ledger.revenues.amount),
            "net_cost": str(ledger.net_cost.amount),
        },
        cost_split=split,
    )


def _deadlines(runner: YearRunner) -> dict[str, dict[str, int]]:
    """Statutory deadlines due in the year and how many were met, as the library counts them,
    for the job searches that started in the year (the transferred ones are left out: their
    deadlines before the year need parameter values the rules do not have yet)."""
    first, year_end = date(runner.year, 1, 1), date(runner.year, 12, 31)
    counts: dict[str, dict[str, int]] = {}
    for client in runner.clients.values():
        if client.job_searches[0].started_on < first:
            continue
        for deadline in client.deadlines(year_end, runner.parameters):
            if deadline.due_on <= year_end:
                act = counts.setdefault(deadline.act, {"due": 0, "met": 0})
                act["due"] += 1
                act["met"] += not deadline.missed_by(year_end)
    return dict(sorted(counts.items()))


def _contract_use(accounts: Accounts, key: str) -> ContractUse:
    procurement = accounts.contracts[key]
    return ContractUse(
        key=key,
        procurement_id=str(procurement.id),
        service_type=procurement.service_type,
        provider=procurement.provider or "",
        in_house=procurement.in_house,
        seats=procurement.seats,
        referrals=accounts.referrals_to(key),
        ran_out_on=accounts.ran_out_on.get(key),
        after_running_out=dict(sorted(accounts.after_running_out.get(key, {}).items())),
        approved_invoices=str(procurement.approved.amount),
    )
