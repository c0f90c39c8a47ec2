"""Service channels and staff resources: a contact in each channel, bad contacts refused, old
contacts read as unknown, the service-channels and staff reports on a SQLite file, on the demo's
store through the command line (rebuilt from zero giving the live rows), and the routing
report's ways of production on the demo's referrals."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from employment_domain import EmploymentArea
from employment_domain.contacts import (
    Channel,
    ContactError,
    ContactPlaceError,
    ServiceContact,
    ServiceLanguage,
    UnknownChannelError,
    UnknownServiceLanguageError,
)
from employment_domain.errors import EmploymentDomainError
from employment_domain.projections import ProjectionRunner, ReadModel
from employment_domain.projections.routing import PRODUCTION_OF_ROUTE
from employment_domain.projections.service_channels import ServiceChannels
from employment_domain.projections.staff import Staff
from employment_domain.routing.rulebook import default_rulebook
from tests.test_cli import run_command, run_demo_into

AREA = "test-area"
OFFICE = "Leppävaara office (Sello)"
STORES = Path(__file__).parent.parent / "stores"


@pytest.fixture
def store(tmp_path: Path) -> str:
    return str(tmp_path / "area.db")


@pytest.fixture
def area(store: str) -> Iterator[EmploymentArea]:
    opened = EmploymentArea(store)
    opened.test_store = store  # type: ignore[attr-defined]
    yield opened
    opened.close()


def rows_of(area: EmploymentArea, projection: Any, **options: Any) -> list[dict[str, Any]]:
    read_model = ReadModel.for_store(area.test_store)  # type: ignore[attr-defined]
    try:
        ProjectionRunner(area, read_model).catch_up()
        rows: list[dict[str, Any]] = read_model.report(projection, **options)
        return rows
    finally:
        read_model.close()


def a_client(area: EmploymentArea, mother_tongue: str = "fi") -> UUID:
    return area.start_job_search(
        on=date(2025, 3, 3),
        municipality="049",
        birth_date=date(1990, 1, 15),
        district="Leppävaara",
        mother_tongue=mother_tongue,
    )


def test_a_contact_in_each_channel_is_counted_under_its_channel_place_and_language(
    area: EmploymentArea,
) -> None:
    client_id = a_client(area)
    area.hold_initial_interview(
        client_id, on=date(2025, 3, 4), contact=ServiceContact("appointment", OFFICE, "finnish")
    )
    area.hold_job_search_discussion(
        client_id, on=date(2025, 4, 1), contact=ServiceContact("remote", OFFICE, "swedish")
    )
    for number, channel, place in (
        (2, "lobby", OFFICE),
        (3, "e_service", "Remote service"),
        (4, "service_square", "Service square"),
    ):
        area.hold_supplementary_discussion(
            client_id, on=date(2025, 4, number), contact=ServiceContact(channel, place, "english")
        )
    employer_id = area.register_employer(
        on=date(2025, 3, 3),
        business_id="0101263-6",
        name="Konepaja Esimerkki Oy",
        municipality="049",
        industry="C",
    )
    area.record_employer_contact(
        employer_id, on=date(2025, 4, 9), topic="recruitment", channel="remote", language="other"
    )
    rows = rows_of(area, ServiceChannels, year=2025)
    assert rows == [
        {
            "month": "2025-03",
            "party": "client",
            "place": OFFICE,
            "channel": "appointment",
            "language": "finnish",
            "contacts": 1,
        },
        {"month": "2025-04", "party": "client", "place": OFFICE, "channel": "lobby"}
        | {"language": "english", "contacts": 1},
        {"month": "2025-04", "party": "client", "place": OFFICE, "channel": "remote"}
        | {"language": "swedish", "contacts": 1},
        {"month": "2025-04", "party": "client", "place": "Remote service"}
        | {"channel": "e_service", "language": "english", "contacts": 1},
        {"month": "2025-04", "party": "client", "place": "Service square"}
        | {"channel": "service_square", "language": "english", "contacts": 1},
        {"month": "2025-04", "party": "employer", "place": "business_espoo"}
        | {"channel": "remote", "language": "other", "contacts": 1},
    ]
    assert {row["channel"] for row in rows} == {channel.value for channel in Channel}
    by_year = rows_of(area, ServiceChannels, year=2025, by="year")
    assert sum(row["contacts"] for row in by_year) == 6 and by_year[0]["year"] == 2025
    assert rows_of(area, ServiceChannels, through=date(2025, 3, 31)) == rows[:1]
    published = rows_of(area, ServiceChannels, year=2025, published=True)
    assert {row["contacts"] for row in published} == {None}  # every count of 1 is hidden


def test_a_contact_without_its_channel_counts_as_unknown_as_older_contacts_do(
    area: EmploymentArea,
) -> None:
    client_id = a_client(area)
    area.hold_initial_interview(client_id, on=date(2025, 3, 4))
    assert rows_of(area, ServiceChannels) == [
        {"month": "2025-03", "party": "client", "place": "unknown", "channel": "unknown"}
        | {"language": "unknown", "contacts": 1}
    ]


@pytest.mark.parametrize(
    ("arguments", "error", "named"),
    [
        (("phone", OFFICE, "finnish"), UnknownChannelError, "'phone'.*lobby, appointment"),
        (("unknown", OFFICE, "finnish"), UnknownChannelError, "'unknown'"),
        (("lobby", OFFICE, "fi"), UnknownServiceLanguageError, "'fi'.*finnish, swedish"),
        (("lobby", " ", "finnish"), ContactPlaceError, "office or place"),
        (("lobby", "unknown", "finnish"), ContactPlaceError, "'unknown'"),
    ],
)
def test_a_bad_channel_language_or_place_is_named_and_nothing_is_recorded(
    area: EmploymentArea, arguments: tuple[str, str, str], error: type[Exception], named: str
) -> None:
    client_id = a_client(area)
    before = area.head_position()
    with pytest.raises(error, match=named) as raised:
        area.hold_initial_interview(
            client_id, on=date(2025, 3, 4), contact=ServiceContact(*arguments)
        )
    assert isinstance(raised.value, ContactError)
    assert isinstance(raised.value, EmploymentDomainError)
    assert area.head_position() == before


def test_a_bad_employer_contact_channel_or_a_contact_that_is_not_one_records_nothing(
    area: EmploymentArea,
) -> None:
    employer_id = area.register_employer(
        on=date(2025, 3, 3),
        business_id="0101263-6",
        name="Konepaja Esimerkki Oy",
        municipality="049",
        industry="C",
    )
    client_id = a_client(area)
    before = area.head_position()
    with pytest.raises(UnknownChannelError, match="'fax'"):
        area.record_employer_contact(
            employer_id, on=date(2025, 4, 9), topic="recruitment", channel="fax", language="other"
        )
    with pytest.raises(UnknownServiceLanguageError, match="None"):
        area.record_employer_contact(
            employer_id, on=date(2025, 4, 9), topic="recruitment", channel="remote"
        )
    with pytest.raises(ContactError, match="ServiceContact"):
        area.hold_initial_interview(client_id, on=date(2025, 3, 4), contact="lobby")  # type: ignore[arg-type]
    assert area.head_position() == before
    assert ServiceContact(Channel.LOBBY, f" {OFFICE} ", ServiceLanguage.OTHER).place == OFFICE


def test_a_release_store_reads_its_contacts_as_of_unknown_channel_place_and_language(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "release-0.1.0"
    shutil.copytree(STORES / "release-0.1.0", copy)
    result = run_command(
        "report", "service-channels", "--format", "json", "--unsuppressed", "--by", "year",
        "--db", str(copy / "area.db"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    clients = [row for row in rows if row["party"] == "client"]
    assert clients and sum(row["contacts"] for row in clients) > 0
    assert {(row["place"], row["channel"], row["language"]) for row in rows} <= {
        ("unknown", "unknown", "unknown"),
        ("business_espoo", "unknown", "unknown"),
    }


def test_the_staff_report_gives_each_functions_latest_person_years_and_customer_services_share(
    area: EmploymentArea,
) -> None:
    area.open_ledger(AREA, 2025, on=date(2025, 1, 2))
    for on, function, person_years in (
        (date(2025, 6, 30), "customer_service", "100"),
        (date(2025, 6, 30), "support_services", "120"),
        (date(2025, 12, 31), "customer_service", "212.5"),
        (date(2025, 12, 31), "support_services", "24"),
    ):
        area.record_staff_resources(
            AREA, 2025, on=on, function=function, person_years=Decimal(person_years)
        )
    assert rows_of(area, Staff) == [
        {
            "year": 2025,
            "customer_service": Decimal("212.5"),
            "support_services": Decimal("24"),
            "total": Decimal("236.5"),
            "customer_service_percent": Decimal("89.9"),
            "customer_service_majority": True,
        }
    ]
    midyear = rows_of(area, Staff, through=date(2025, 9, 30))
    assert midyear[0]["customer_service_percent"] == Decimal("45.5")
    assert midyear[0]["customer_service_majority"] is False
    assert rows_of(area, Staff, year=2026) == []


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("channels") / "area.db"
    assert run_demo_into(path) == 0
    return path


def report(db: Path, *args: str) -> list[dict[str, Any]]:
    result = run_command("report", *args, "--format", "json", "--db", str(db))
    assert result.returncode == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def test_the_demo_store_gives_service_channel_and_staff_rows_and_a_rebuild_gives_the_same(
    demo_db: Path,
) -> None:
    live = {
        name: report(demo_db, name, "--unsuppressed", *extra)
        for name, extra in (("service-channels", ()), ("staff", ()), ("routing", ("--by", "rule")))
    }
    published = report(demo_db, "service-channels", "--year", "2025")
    staff = report(demo_db, "staff")
    assert live["service-channels"] and published and staff
    contacts = Counter[str]()
    for row in live["service-channels"]:
        if row["month"].startswith("2025"):
            contacts[row["channel"]] += row["contacts"]
            contacts[row["language"]] += row["contacts"]
    assert set(contacts) >= {channel.value for channel in Channel} | {"finnish", "swedish"}
    assert contacts["unknown"] == 0 and contacts["appointment"] > contacts["service_square"]
    assert Decimal(staff[0]["customer_service_percent"]) > 50
    rebuilt = run_command("projections", "rebuild", "--db", str(demo_db))
    assert rebuilt.returncode == 0, rebuilt.stderr
    for name, rows in live.items():
        extra = ("--by", "rule") if name == "routing" else ()
        assert report(demo_db, name, "--unsuppressed", *extra) == rows, name


def test_the_routing_report_counts_ohjaamo_multi_agency_omnia_and_business_espoo_by_their_way(
    demo_db: Path,
) -> None:
    rows = report(demo_db, "routing", "--unsuppressed", "--year", "2025")
    production = {row["rule_id"]: row["production"] for row in rows}
    assert production["young_people_served_with_ohjaamo"] == "network"
    assert production["multi_agency_clients_served_jointly"] == "joint"
    assert production["training_from_omnia"] == "in_house_entity"
    assert production["training_purchased"] == "purchased"
    business_espoo = default_rulebook().rule(
        "employer_services_in_business_espoo", date(2025, 6, 1)
    )
    assert PRODUCTION_OF_ROUTE[business_espoo.outcome.route.value] == "network"
    by_production = report(demo_db, "routing", "--unsuppressed", "--year", "2025", "--by",
                           "production")  # fmt: skip
    total = by_production[-1]
    assert total["service_type"] == "total"
    assert all(total[way] > 0 for way in ("in_house", "joint", "network", "in_house_entity"))
    assert total["in_house"] < total["total"] - total["purchased"]
