"""What the demo year knows of its area: everything area-specific, read from the rules folder.

The demo runs for whichever area's rules the store was opened with. Who the area is (its id, its
responsible municipality, its employer services unit) comes from ``area.yaml``; its contracting
municipalities and budget lines from ``parameters/``; its districts, offices, partners and
in-house entity from ``routing/``; and what only a simulation needs (how jobseekers and
employers spread over the municipalities, the offices' rents, the allocation basis, a partner's
seats) from ``parameters/demo.yaml``, each value with its status. No name of any area is in the
demo's code, so a year of another area names that area and none of the packaged one's units.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from employment_domain.area import EmploymentArea
from employment_domain.decisions import Route
from employment_domain.demo.population import DemoError
from employment_domain.ledgers.records import CostCategory
from employment_domain.money import Money
from employment_domain.parameters import ParameterError

__all__ = ["DemoArea"]


@attrs.frozen
class DemoArea:
    """The area-specific figures and names of one demo year, at scale 1.0.

    ``client_municipalities`` and ``employer_municipalities`` weigh municipality codes;
    ``districts`` gives each municipality's (area name, weight) pairs to place jobseekers in;
    ``in_house_entity`` is the unit the rules route to in-house awards (None when the area has
    none); ``partner_seats`` maps a service type to the partner and its seats a year; the sources
    are the references of the allocation basis's values, which the ledger records with them.
    """

    area_id: str
    responsible: str
    employer_services_unit: str
    client_municipalities: tuple[tuple[str, int], ...]
    districts: Mapping[str, tuple[tuple[str, int], ...]]
    employer_municipalities: tuple[tuple[str, int], ...]
    employer_places: tuple[str, ...]
    contact_topics: tuple[str, ...]
    in_house_entity: str | None
    partner_seats: Mapping[str, tuple[str, int]]
    budget: Mapping[str, Money]
    premises: tuple[tuple[str, int], ...]
    population_18_64: Mapping[str, int]
    population_source: str
    unemployed_source: str
    unemployed_provisional: tuple[tuple[str, int], ...]
    unemployed: tuple[tuple[str, int], ...]
    state_subsidies: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, area: EmploymentArea, year: int) -> DemoArea:
        """The demo figures of ``area``'s rules folder in force on the year's first day;
        :class:`DemoError` names a value the folder lacks or a district table that cannot
        place the jobseekers."""
        first = date(year, 1, 1)
        definition = area.area_definition

        def value(name: str) -> Any:
            try:
                return area.parameters.value(name, first)
            except ParameterError as error:
                raise DemoError(
                    f"the demo needs {name!r} in the rules folder's parameters"
                    f" (parameters/demo.yaml of the packaged rules shows the format): {error}"
                ) from None

        clients = _weights(value("demo_client_municipalities"), "demo_client_municipalities")
        district_weights = dict(value("demo_district_weights"))
        districts: dict[str, tuple[tuple[str, int], ...]] = {}
        for code, _ in clients:
            table = [
                (name, int(district_weights.get(key, 5)))
                for key, district in area.rulebook.districts.items()
                if district.municipality == code
                for name in (district.includes or (district.name,))
            ]
            names = {
                district.name
                for district in area.rulebook.districts.values()
                if district.municipality == code
            }
            if not table:
                raise DemoError(
                    f"the rulebook lists no districts of the municipality {code} to place"
                    " jobseekers in (routing/districts.yaml)"
                )
            # A municipality that is one district is placed by the district's own name.
            districts[code] = ((names.pop(), 1),) if len(names) == 1 else tuple(table)
        return cls(
            area_id=definition.id,
            responsible=definition.responsible_municipality.code,
            employer_services_unit=definition.employer_services_unit,
            client_municipalities=clients,
            districts=districts,
            employer_municipalities=_weights(
                value("demo_employer_municipalities"), "demo_employer_municipalities"
            ),
            employer_places=tuple(str(place) for place in value("demo_employer_places")),
            contact_topics=tuple(str(topic) for topic in value("demo_employer_contact_topics")),
            in_house_entity=_in_house_entity(area, first),
            partner_seats={
                str(service): (str(seats["partner"]), int(seats["seats"]))
                for service, seats in dict(value("demo_partner_seats")).items()
            },
            budget={
                category.value: Money(str(value(f"budget_{category.value}")))
                for category in CostCategory
            },
            premises=_weights(value("demo_premises"), "demo_premises"),
            population_18_64=dict(_weights(value("demo_population_18_64"), "population")),
            population_source=area.parameters.entry("demo_population_18_64", first).reference,
            unemployed_source=area.parameters.entry("demo_unemployed_broad", first).reference,
            unemployed_provisional=_weights(
                value("demo_unemployed_broad_provisional"), "demo_unemployed_broad_provisional"
            ),
            unemployed=_weights(value("demo_unemployed_broad"), "demo_unemployed_broad"),
            state_subsidies=_weights(value("demo_state_subsidies"), "demo_state_subsidies"),
        )

    def budget_line(self, category: CostCategory) -> Decimal:
        """The budget line of ``category`` in euros at scale 1.0."""
        return self.budget[category.value].amount


def _weights(raw: object, name: str) -> tuple[tuple[str, int], ...]:
    """A mapping of names to whole numbers, in its written order."""
    if not isinstance(raw, dict) or not raw:
        raise DemoError(f"the demo's {name} is a mapping of names to whole numbers: {raw!r}")
    pairs = []
    for key, number in raw.items():
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise DemoError(f"the demo's {name}: {key!r} is not a whole number: {number!r}")
        pairs.append((str(key), number))
    return tuple(pairs)


def _in_house_entity(area: EmploymentArea, on: date) -> str | None:
    """The unit the area's rules route in-house awards to (its sidosyksikkö), if any."""
    for rule in area.rulebook.rules_in_force(on):
        if rule.outcome.route is Route.IN_HOUSE_ENTITY and rule.outcome.unit:
            return rule.outcome.unit
    return None
