"""Commands and queries about routing decisions: facts from the client, rules, and audits.

Referring a client computes the routing facts (target groups at the business date, age, where
the client lives, the service, capacity), asks the rules engine, and records the decision with
the referral. The first time a rulebook version decides, its canonical text is archived in the
same store, so :meth:`RoutingCommands.verify_decision` can re-run any recorded decision under the
rules that made it, even after the rule files have changed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import attrs

from employment_domain.area_rules import RulesFolder, rules_folder
from employment_domain.clients.client import Client
from employment_domain.commands.clients import ClientCommands
from employment_domain.commands.procurements import ProcurementCommands
from employment_domain.decisions import Decision
from employment_domain.errors import ConcurrentUpdateError, NotFoundError
from employment_domain.procurements.procurement import CapacityError, Procurement, ValueCapError
from employment_domain.routing.archive import (
    RulebookVersion,
    RulebookVersionNotFoundError,
    archive_id,
)
from employment_domain.routing.engine import RoutingEngine, default_engine
from employment_domain.routing.explain import Explanation, explain
from employment_domain.routing.parts import AUTHORITY_FACT
from employment_domain.routing.rulebook import (
    RoutingError,
    RoutingFactsError,
    Rulebook,
    default_rulebook,
    packaged_rulebook,
)
from employment_domain.target_groups import age_on

__all__ = ["DecisionCheck", "RoutingCapacity", "RoutingCommands"]

_TARGET_GROUP_FACTS = (
    "young",
    "foreign_language",
    "highly_educated",
    "long_term_unemployed",
    "integration_phase",
    "partially_able_to_work",
)
_COMPARED = ("route", "unit", "rule_id", "service_type", "procurement_id")


@attrs.frozen
class RoutingCapacity:
    """What is available for one referral: own capacity, contracts with free seats, partners.

    Until the procurement aggregate answers this itself, the caller says which contract has a
    free seat (``purchase_contract_id``, and ``entity_contract_id`` for an award to an in-house
    entity: procurement ids) and which partner's cooperation agreement has room
    (``partner_agreement``: ``none`` or a partner the area's fact catalogue names). The default is
    own capacity left and nothing else. (Release 0.2.0 named two of these fields for
    Espoo–Kauniainen's partners, ``omnia_contract_id`` and ``partner_cooperation``.)
    """

    in_house_capacity_left: bool = True
    purchase_contract_id: str | None = None
    entity_contract_id: str | None = None
    partner_agreement: str = "none"

    def facts(self) -> dict[str, Any]:
        """The capacity as routing facts."""
        return {
            "in_house_capacity_left": self.in_house_capacity_left,
            "purchase_contract_available": self.purchase_contract_id is not None,
            "purchase_contract_id": self.purchase_contract_id,
            "entity_contract_available": self.entity_contract_id is not None,
            "entity_contract_id": self.entity_contract_id,
            "partner_agreement": self.partner_agreement,
        }


@attrs.frozen
class DecisionCheck:
    """The result of re-running a recorded decision under the rulebook version it records."""

    decision: Decision
    rerun: Decision | None
    differences: tuple[str, ...]

    @property
    def holds(self) -> bool:
        """Whether the rules still give exactly the recorded answer."""
        return not self.differences

    def __bool__(self) -> bool:
        return self.holds


class RoutingCommands(ClientCommands, ProcurementCommands):
    """The routing side of the employment area: decide, refer with routing, verify, explain.

    ``rules`` is the area's rules folder (a path or a :class:`RulesFolder`; default: the one
    ``EMPLOYMENT_AREA_RULES`` names, else the packaged Espoo–Kauniainen folder), which gives
    the parameters, the rulebook and the area; ``rulebook`` replaces its rules alone;
    ``routing_engine`` the engine (durable_rules where it can be imported, else the reference
    evaluator).
    """

    def __init__(
        self,
        db: str | os.PathLike[str] | None = None,
        *,
        rulebook: Rulebook | None = None,
        routing_engine: RoutingEngine | None = None,
        rules: RulesFolder | str | os.PathLike[str] | None = None,
        **kwargs: Any,
    ) -> None:
        if rules is not None:
            # One area's rules folder gives the parameters, the rulebook and the area itself.
            folder = rules_folder(rules)
            kwargs.setdefault("area", folder.area)
            if kwargs.get("parameters") is None:
                kwargs["parameters"] = folder.parameters()
            if rulebook is None:
                rulebook = (
                    packaged_rulebook() if folder.packaged else Rulebook.load(folder.routing_folder)
                )
        self.rulebook = rulebook if rulebook is not None else default_rulebook()
        self.routing_engine = routing_engine if routing_engine is not None else default_engine()
        self._archived: set[str] = set()
        self._rulebooks: dict[str, Rulebook] = {self.rulebook.version: self.rulebook}
        super().__init__(db, **kwargs)

    # -- deciding ----------------------------------------------------------------------------

    def routing_facts(
        self,
        client_id: UUID,
        *,
        on: date,
        service_type: str,
        authority_task: bool | None = None,
        capacity: RoutingCapacity | None = None,
    ) -> dict[str, Any]:
        """The facts the rules see for referring this client to ``service_type`` on ``on``.

        ``authority_task`` defaults to what the catalogue's constraints force: an initial
        interview or an authority decision is always an authority task, other services are not
        unless the caller says so.
        """
        return self.client_routing_facts(
            self._load(Client, client_id),
            on=on,
            service_type=service_type,
            authority_task=authority_task,
            capacity=capacity,
        )

    def client_routing_facts(
        self,
        client: Client,
        *,
        on: date,
        service_type: str,
        authority_task: bool | None = None,
        capacity: RoutingCapacity | None = None,
    ) -> dict[str, Any]:
        """The routing facts of :meth:`routing_facts` for a client already loaded or in memory
        (a bulk simulation holds its clients and saves them in batches).

        A partner named in ``capacity`` must have a cooperation agreement in the area's file that
        covers the service on ``on``; otherwise :class:`CooperationAgreementError` is raised and
        nothing is recorded."""
        offered = capacity or RoutingCapacity()
        self.area_definition.check_partner(offered.partner_agreement, service_type, on)
        groups = client.target_groups(on, self.parameters)
        municipality = client.municipality.code
        facts: dict[str, Any] = {
            "service_type": service_type,
            "age": age_on(client.birth_month, on),
            **{name: name in groups for name in _TARGET_GROUP_FACTS},
            "needs_multi_agency_service": client.needs_multi_agency_service,
            "municipality": municipality,
            "district": self.rulebook.district_key(client.district, municipality),
            **offered.facts(),
        }
        if authority_task is None:
            authority_task = self.rulebook.forced_authority_task(facts)
        facts[AUTHORITY_FACT] = authority_task
        return facts

    def route(
        self,
        client_id: UUID,
        *,
        on: date,
        service_type: str,
        authority_task: bool | None = None,
        capacity: RoutingCapacity | None = None,
    ) -> Decision:
        """Where ``service_type`` is produced for this client on ``on``, and why.

        Records nothing about the client; the first decision of a new rulebook version archives
        that version.
        """
        facts = self.routing_facts(
            client_id,
            on=on,
            service_type=service_type,
            authority_task=authority_task,
            capacity=capacity,
        )
        return self.decide_route(facts, on=on)

    def decide_route(self, facts: Mapping[str, Any], *, on: date) -> Decision:
        """The decision for facts the caller gathered itself (an employer's request, say)."""
        decision = self.routing_engine.decide(self.rulebook, facts, on=on)
        record = self._archive_record(on)
        if record is not None:
            self._save_archive(record)
        return decision

    def capacity_for(self, service_type: str, on: date) -> RoutingCapacity:
        """What the procurements offer for ``service_type`` on ``on``: the cheapest contracts
        with a free seat and money left, one purchased and one awarded to an in-house entity."""
        purchase: str | None = None
        entity: str | None = None
        for contract in self.contracts_with_free_seats(service_type, on):
            if contract["in_house"]:
                entity = entity or contract["procurement_id"]
            else:
                purchase = purchase or contract["procurement_id"]
        return RoutingCapacity(purchase_contract_id=purchase, entity_contract_id=entity)

    def refer_with_routing(
        self,
        client_id: UUID,
        *,
        on: date,
        service_type: str,
        authority_task: bool | None = None,
        capacity: RoutingCapacity | None = None,
        referral_id: UUID | None = None,
    ) -> Decision:
        """Route the client's referral and record it with its decision; returns the decision.

        Without ``capacity`` the procurements are asked (:meth:`capacity_for`). When the decision
        names a procurement of this store, its seat is reserved in the same transaction as the
        referral, so a referral never holds a seat that was not there; if another writer took
        the last seat meanwhile, the routing is made again with fresh capacity (up to three
        times). A contract id that is not a procurement id of this store (a reference to an
        integrating system's own register) is recorded as given. The archive record of a new
        rulebook version rides in the same transaction, so a refused referral records nothing.
        """
        referral_id = referral_id or uuid4()
        attempts = 1 if capacity is not None else 3
        for attempt in range(attempts):
            offered = capacity if capacity is not None else self.capacity_for(service_type, on)
            try:
                return self._refer_once(
                    client_id,
                    on=on,
                    service_type=service_type,
                    authority_task=authority_task,
                    capacity=offered,
                    referral_id=referral_id,
                )
            except (ConcurrentUpdateError, CapacityError, ValueCapError):
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _refer_once(
        self,
        client_id: UUID,
        *,
        on: date,
        service_type: str,
        authority_task: bool | None,
        capacity: RoutingCapacity,
        referral_id: UUID,
    ) -> Decision:
        """Load the client once, decide, and save the referral with its seat and archive record."""
        client = self.get_client(client_id)
        facts = self.client_routing_facts(
            client,
            on=on,
            service_type=service_type,
            authority_task=authority_task,
            capacity=capacity,
        )
        decision = self.routing_engine.decide(self.rulebook, facts, on=on)
        seat = self._seat_for(decision, client_id=client_id, referral_id=referral_id, on=on)
        record = self._archive_record(on)
        client.refer_to_service(
            on=on, referral_id=referral_id, service_type=service_type, decision=decision
        )
        try:
            self._save(client, *seat, *([record] if record is not None else []))
        except ConcurrentUpdateError:
            if seat or record is None or not self._is_archived(record.rulebook_version):
                raise
            # Another writer archived this rulebook version first: refer without the record.
            self.refer_to_service(
                client_id,
                on=on,
                service_type=service_type,
                decision=decision,
                referral_id=referral_id,
            )
        if record is not None:
            self._archived.add(record.rulebook_version)
        return decision

    def _seat_for(
        self, decision: Decision, *, client_id: UUID, referral_id: UUID, on: date
    ) -> list[Procurement]:
        """The procurement with the referral's seat reserved, to save with the referral."""
        if decision.procurement_id is None:
            return []
        try:
            procurement_id = UUID(decision.procurement_id)
        except ValueError:
            return []
        procurement = self.get_procurement(procurement_id)
        procurement.reserve_seat(on=on, client_id=client_id, referral_id=referral_id)
        return [procurement]

    # -- auditing ----------------------------------------------------------------------------

    def rulebook_for(self, version: str) -> Rulebook:
        """The rulebook of ``version``: the current one, or one loaded from the archive."""
        if version in self._rulebooks:
            return self._rulebooks[version]
        try:
            archived = self._load(RulebookVersion, archive_id(version))
        except NotFoundError:
            raise RulebookVersionNotFoundError(
                f"rulebook version {version!r} is neither current nor archived in this store"
            ) from None
        rulebook = archived.rulebook()
        self._rulebooks[version] = rulebook
        return rulebook

    def verify_decision(self, decision: Decision) -> DecisionCheck:
        """Re-run a recorded decision under the rulebook version it records.

        The check holds when the same rule gives the same route, unit, procurement and service
        type for the recorded facts on the recorded business date.
        """
        if not isinstance(decision, Decision):
            raise RoutingError(f"only a Decision can be verified, not {decision!r}")
        rulebook = self.rulebook_for(decision.rulebook_version)
        if decision.decided_on is None:
            return DecisionCheck(
                decision, None, ("the decision does not record its business date",)
            )
        try:
            rerun = self.routing_engine.decide(rulebook, decision.facts, on=decision.decided_on)
        except RoutingFactsError as error:
            return DecisionCheck(decision, None, (f"the recorded facts are refused: {error}",))
        except RoutingError as error:
            return DecisionCheck(decision, None, (f"re-running it fails: {error}",))
        differences = [
            f"{name}: recorded {getattr(decision, name)!r}, re-run gives {getattr(rerun, name)!r}"
            for name in _COMPARED
            if getattr(decision, name) != getattr(rerun, name)
        ]
        if rerun.facts != decision.facts:
            differences.append("facts: the recorded facts are not in normal form")
        return DecisionCheck(decision, rerun, tuple(differences))

    def explain_decision(self, decision: Decision) -> Explanation:
        """Which rule decided, its reference, the facts it tested, and why no rule ahead did."""
        return explain(decision, self.rulebook_for(decision.rulebook_version))

    # -- the archive -------------------------------------------------------------------------

    def _is_archived(self, version: str) -> bool:
        if version in self._archived:
            return True
        try:
            self._load(RulebookVersion, archive_id(version))
        except NotFoundError:
            return False
        self._archived.add(version)
        return True

    def _archive_record(self, on: date) -> RulebookVersion | None:
        """A new archive record for the current rulebook, or None when it is archived."""
        if self._is_archived(self.rulebook.version):
            return None
        return RulebookVersion.archive(self.rulebook, on=on)

    def _save_archive(self, record: RulebookVersion) -> None:
        try:
            self._save(record)
        except ConcurrentUpdateError:
            if not self._is_archived(record.rulebook_version):
                raise
        self._archived.add(record.rulebook_version)
