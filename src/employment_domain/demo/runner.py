"""The demo's runner: the year's jobseekers and employers held in memory, their methods called in
business-date order, and referrals routed by the area's rules.

One command per act (load, call, save) would replay and write each aggregate hundreds of
thousands of times; holding the year in memory calls the same aggregate methods and saves each
week's batch in one atomic save (:class:`~employment_domain.demo.batch.Batch`). Each
referral's routing facts carry the capacity of the moment: the area's own monthly capacity for
guidance, the in-house entity's and the bought contracts' free seats
(:class:`~employment_domain.demo.accounts.Accounts`), and a partner's quota (the area's
``demo_partner_seats``). Employer contacts are recorded through the area's employer services
unit (``area.yaml``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from employment_domain.area import EmploymentArea
from employment_domain.clients.client import Client
from employment_domain.commands.routing import RoutingCapacity
from employment_domain.contacts import ServiceContact
from employment_domain.decisions import Route
from employment_domain.demo.accounts import Accounts
from employment_domain.demo.batch import Batch
from employment_domain.demo.channels import client_contact, employer_contact, office_of
from employment_domain.demo.finance import ContractSpec
from employment_domain.demo.population import DemoIds, EmployerProfile, Person
from employment_domain.employers.employer import Employer
from employment_domain.values import MunicipalityCode, Period

__all__ = ["YearRunner", "next_monday"]

#: Guidance the area's own staff produce while they have capacity, in referrals a month at
#: scale 1.0 (demo assumption); the rest is bought while a contract has seats.
_IN_HOUSE_SLOTS = {
    "coaching": 130,
    "information_advice": 110,
    "expert_assessment": 25,
    "job_coaching": 8,
}
#: Seats a year with each partner for each service, used while the partner's cooperation
#: agreement (the area file's) covers the service (demo assumption).
_PARTNER_SEATS = {
    ("vantaa", "training_try_out"): 60,
    ("vantaa", "work_try_out"): 40,
    ("helsinki", "work_try_out"): 100,
    ("helsinki", "training_try_out"): 40,
}


class YearRunner:
    """Runs the demo's acts against aggregates held in memory; ``on_*`` methods handle acts."""

    def __init__(
        self,
        area: EmploymentArea,
        ids: DemoIds,
        *,
        year: int,
        scale: float,
        contracts: list[ContractSpec],
        partner_seats: Mapping[str, tuple[str, int]],
    ) -> None:
        self.area, self.ids, self.year, self.scale = area, ids, year, scale
        self.partner_seats = dict(partner_seats)
        self.employer_services_unit = area.area_definition.employer_services_unit
        self.parameters = area.parameters
        self.batch = Batch(area)
        self.accounts = Accounts(area, ids, self.batch, year=year, scale=scale, contracts=contracts)
        self.clients: dict[UUID, Client] = {}
        self.employers: dict[UUID, Employer] = {}
        self.routes: Counter[str] = Counter()
        self.acts: Counter[str] = Counter()
        self._in_house_used: Counter[tuple[int, str]] = Counter()
        self._partner_left = {
            (partner, kind): max(1, round(seats * scale))
            for kind, (partner, seats) in self.partner_seats.items()
        }
        for key, seats in _PARTNER_SEATS.items():
            self._partner_left.setdefault(key, max(1, round(seats * scale)))
        self._municipalities: dict[str, MunicipalityCode] = {}
        self._handlers: dict[str, Callable[..., None]] = {}
        for handler in (self, self.accounts):
            for name in dir(handler):
                if name.startswith("on_"):
                    self._handlers[name[3:]] = getattr(handler, name)

    def flush(self) -> None:
        """Save every aggregate changed since the last save, in one atomic save."""
        self.batch.flush()

    def run(self, day: date, kind: str, payload: tuple[Any, ...]) -> None:
        """Run one act of the agenda on ``day``."""
        self.acts[kind] += 1
        self._handlers[kind](day, *payload)

    def _code(self, code: str) -> MunicipalityCode:
        found = self._municipalities.get(code)
        if found is None:
            found = self._municipalities[code] = MunicipalityCode(code)
        return found

    # -- jobseekers ----------------------------------------------------------------------------

    def new_client(self, person: Person) -> Client:
        """The person's client aggregate, job search started, held and marked to be saved."""
        client = Client.start_job_search(
            person.client_id,
            on=person.started_on,
            municipality=self._code(person.municipality),
            birth_date=person.birth_date,
            district=person.district,
            mother_tongue=person.mother_tongue,
            education_level=person.education_level,
            first_residence_permit_on=person.first_residence_permit_on,
            partially_able_to_work=person.partially_able_to_work,
            needs_multi_agency_service=person.needs_multi_agency_service,
        )
        self.clients[client.id] = client
        self.batch.touch(client)
        return client

    def _client(self, client_id: UUID) -> Client:
        client = self.clients[client_id]
        self.batch.touch(client)
        return client

    def on_start(self, day: date, person: Person) -> None:
        self.new_client(person)

    def contact(self, kind: str, client: Client, day: date) -> ServiceContact:
        """The channel, office and language of a contact with ``client`` (demo.channels)."""
        office = office_of(self.area.rulebook, client.district, str(client.municipality))
        return client_contact(
            kind, client.id, day, office=office, mother_tongue=client.mother_tongue
        )

    def on_interview(self, day: date, client_id: UUID) -> None:
        client = self._client(client_id)
        client.hold_initial_interview(on=day, contact=self.contact("interview", client, day))

    def on_plan(self, day: date, client_id: UUID) -> None:
        client = self._client(client_id)
        groups = client.target_groups(day, self.parameters)
        plan_type = "employment"
        if client.needs_multi_agency_service:
            plan_type = "multi_agency"
        elif "integration_phase" in groups:
            plan_type = "integration"
        elif "long_term_unemployed" in groups:
            plan_type = "activation"
        lowered = 2 if client.partially_able_to_work else None
        client.agree_plan(
            on=day, parameters=self.parameters, plan_type=plan_type, applications_per_month=lowered
        )

    def on_discussion(self, day: date, client_id: UUID) -> None:
        client = self._client(client_id)
        client.hold_job_search_discussion(on=day, contact=self.contact("discussion", client, day))

    def on_supplementary(self, day: date, client_id: UUID) -> None:
        client = self._client(client_id)
        contact = self.contact("supplementary", client, day)
        client.hold_supplementary_discussion(on=day, contact=contact)

    def on_start_service(self, day: date, client_id: UUID, referral_id: UUID) -> None:
        self._client(client_id).start_service(referral_id, on=day)

    def on_complete_service(self, day: date, client_id: UUID, referral_id: UUID) -> None:
        self._client(client_id).complete_service(referral_id, on=day)

    def on_interrupt_service(
        self, day: date, client_id: UUID, referral_id: UUID, reason: str
    ) -> None:
        self._client(client_id).interrupt_service(referral_id, on=day, reason=reason)
        self.accounts.release_seat(day, referral_id)

    def on_employ(
        self,
        day: date,
        client_id: UUID,
        employment_id: UUID,
        kind: str,
        term: str,
        employer_id: UUID | None,
        starts_on: date | None,
    ) -> None:
        self._client(client_id).record_employment(
            on=day,
            employment_id=employment_id,
            kind=kind,
            term=term,
            starts_on=starts_on,
            employer_id=employer_id,
        )

    def on_end_employment(self, day: date, client_id: UUID, employment_id: UUID) -> None:
        self._client(client_id).end_employment(employment_id, on=day)

    def on_end_search(self, day: date, client_id: UUID, reason: str) -> None:
        self._client(client_id).end_job_search(on=day, reason=reason)

    # -- routing a referral ----------------------------------------------------------------------

    def on_refer(self, day: date, client_id: UUID, referral_id: UUID, service_type: str) -> None:
        client = self._client(client_id)
        capacity = self._capacity(day, service_type)
        decision = self.area.decide_route(self._facts(client, day, service_type, capacity), on=day)
        client.refer_to_service(
            on=day, referral_id=referral_id, service_type=service_type, decision=decision
        )
        self.routes[decision.route.value] += 1
        if capacity.in_house_capacity_left and decision.route is Route.IN_HOUSE:
            self._in_house_used[(day.month, service_type)] += 1
        if decision.route is Route.PARTNER:
            key = (str(decision.facts.get("partner_agreement")), service_type)
            if key in self._partner_left:
                self._partner_left[key] -= 1
        self.accounts.take_seat(decision, day, client_id, referral_id, service_type)

    def _capacity(self, day: date, service_type: str) -> RoutingCapacity:
        """Own capacity this month, the in-house entity's and the cheapest contract's seats, a
        partner."""
        entity, bought = self.accounts.offers(day, service_type)
        slots = _IN_HOUSE_SLOTS.get(service_type)
        used = self._in_house_used[(day.month, service_type)]
        own_left = slots is None or used < max(1, round(slots * self.scale))
        partner = self._partner_in_force(service_type, day)
        return RoutingCapacity(
            in_house_capacity_left=own_left,
            purchase_contract_id=bought,
            entity_contract_id=entity,
            partner_agreement=partner,
        )

    def _partner_in_force(self, service_type: str, day: date) -> str:
        """The first partner whose cooperation agreement (the area file's) covers the service
        on ``day`` and who has seats left; ``none`` when there is none."""
        for partner in self.area.area_definition.partners_for(service_type, day):
            if self._partner_left.get((partner, service_type), 0) > 0:
                return partner
        return "none"

    def _facts(
        self, client: Client, day: date, service_type: str, capacity: RoutingCapacity
    ) -> dict[str, Any]:
        """The routing facts of a client held here, as ``RoutingCommands`` computes them."""
        return self.area.client_routing_facts(
            client, on=day, service_type=service_type, capacity=capacity
        )

    # -- employers -----------------------------------------------------------------------------

    def _employer(self, employer_id: UUID) -> Employer:
        employer = self.employers[employer_id]
        self.batch.touch(employer)
        return employer

    def on_register(self, day: date, profile: EmployerProfile) -> None:
        employer = Employer.register(
            on=day,
            business_id=profile.business_id,
            name=profile.name,
            municipality=self._code(profile.municipality),
            industry=profile.industry,
        )
        self.employers[employer.id] = employer
        self.batch.touch(employer)

    def on_contact(self, day: date, employer_id: UUID, topic: str) -> None:
        channel, language = employer_contact(employer_id, day)
        self._employer(employer_id).record_contact(
            on=day,
            topic=topic,
            unit=self.employer_services_unit,
            channel=channel,
            language=language,
        )

    def on_vacancy(
        self, day: date, employer_id: UUID, vacancy_id: UUID, title: str, place: str, positions: int
    ) -> None:
        self._employer(employer_id).report_vacancy(
            on=day,
            vacancy_id=vacancy_id,
            title=title,
            location=self._code(place),
            positions=positions,
        )

    def on_fill(
        self, day: date, employer_id: UUID, vacancy_id: UUID, positions: int, client_id: UUID | None
    ) -> None:
        self._employer(employer_id).fill_vacancy(
            vacancy_id, on=day, positions=positions, client_id=client_id
        )

    def on_withdraw(self, day: date, employer_id: UUID, vacancy_id: UUID, reason: str) -> None:
        self._employer(employer_id).withdraw_vacancy(vacancy_id, on=day, reason=reason)

    def on_subsidy(
        self,
        day: date,
        employer_id: UUID,
        subsidy_id: UUID,
        kind: str,
        period: Period,
        rate: int | None,
        client_id: UUID,
    ) -> None:
        self._employer(employer_id).decide_subsidy(
            on=day,
            subsidy_id=subsidy_id,
            kind=kind,
            period=period,
            parameters=self.parameters,
            rate_percent=rate,
            client_id=client_id,
        )

    def on_negotiations(
        self, day: date, employer_id: UUID, negotiation_id: UUID, affected: int
    ) -> None:
        self._employer(employer_id).notify_change_negotiations(
            on=day, negotiation_id=negotiation_id, employees_affected=affected
        )

    def on_dismissals(
        self,
        day: date,
        employer_id: UUID,
        notice_id: UUID,
        count: int,
        dismissed_on: date,
        employees: tuple[Any, ...],
        negotiation_id: UUID,
    ) -> None:
        self._employer(employer_id).notify_dismissals(
            on=day,
            notice_id=notice_id,
            count=count,
            dismissed_on=dismissed_on,
            parameters=self.parameters,
            employees=list(employees),
            negotiation_id=negotiation_id,
        )

    def on_close_case(self, day: date, employer_id: UUID) -> None:
        employer = self._employer(employer_id)
        for case_id, case in list(employer.cases.items()):
            if case.closed_on is None:
                employer.close_structural_change_case(case_id, on=day)


def next_monday(day: date) -> date:
    """The Monday after ``day``: batches are saved once a simulated week."""
    return day + timedelta(days=7 - day.weekday())
