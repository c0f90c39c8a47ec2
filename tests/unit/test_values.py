"""Municipality codes, personal identity codes, business IDs and periods validate themselves."""

from __future__ import annotations

import re
from datetime import date
from importlib import resources

import pytest

from employment_domain import (
    BusinessId,
    BusinessIdError,
    EmploymentArea,
    MunicipalityCode,
    MunicipalityError,
    MunicipalityMergedError,
    Period,
    PeriodError,
    PersonalIdentityCode,
    PersonalIdentityCodeError,
    known_municipalities,
    municipality_classification,
)
from employment_domain.parameters import STATUSES
from employment_domain.values import read_municipality_classification


def test_espoo_and_kauniainen_have_their_finnish_and_swedish_names() -> None:
    assert MunicipalityCode("049").name_fi == "Espoo"
    assert MunicipalityCode("049").name_sv == "Esbo"
    assert MunicipalityCode("235").name_sv == "Grankulla"
    assert MunicipalityCode("257").name_fi == "Kirkkonummi"


def test_every_municipality_of_uusimaa_is_known() -> None:
    assert len(known_municipalities()) >= 26
    assert {"091", "092", "257"} <= {m.code for m in known_municipalities()}


def test_the_classification_of_2025_holds_309_municipalities_in_force_on_its_first_day() -> None:
    # 309: 293 on the mainland and Åland's 16, unchanged since Honkajoki merged in 2021.
    in_force = known_municipalities(date(2025, 1, 1))
    assert len(in_force) == 309 == municipality_classification().in_force
    assert known_municipalities() == in_force
    aland = {"035", "043", "060", "062", "065", "076", "170", "295", "318", "417", "438"}
    aland |= {"478", "736", "766", "771", "941"}
    assert aland <= {m.code for m in in_force}


def test_the_classification_says_its_year_source_and_status() -> None:
    classification = municipality_classification()
    assert (classification.year, classification.valid_from) == (2025, date(2025, 1, 1))
    assert "kuntaluokitus 2025" in classification.source
    assert classification.status == "recalled" and classification.status in STATUSES
    assert classification.verified == ("049", "235")
    assert MunicipalityCode("049").is_verified and not MunicipalityCode("837").is_verified


def test_codes_are_three_digits_and_unique_and_names_unique_among_those_in_force() -> None:
    text = (resources.files("employment_domain.rules") / "municipalities.yaml").read_text("utf-8")
    codes = re.findall(r'^  "(\d+)":', text, flags=re.MULTILINE)
    assert len(codes) == len(set(codes)) == 309 + municipality_classification().merged
    assert all(re.fullmatch(r"[0-9]{3}", code) for code in codes)
    in_force = known_municipalities(date(2025, 1, 1))
    assert len({m.name_fi for m in in_force}) == len({m.name_sv for m in in_force}) == 309


@pytest.mark.parametrize(
    ("code", "fi", "sv"),
    [
        ("091", "Helsinki", "Helsingfors"),
        ("092", "Vantaa", "Vanda"),
        ("837", "Tampere", "Tammerfors"),
        ("853", "Turku", "Åbo"),
        ("564", "Oulu", "Uleåborg"),
        ("179", "Jyväskylä", "Jyväskylä"),
        ("297", "Kuopio", "Kuopio"),
        ("398", "Lahti", "Lahtis"),
        ("609", "Pori", "Björneborg"),
        ("109", "Hämeenlinna", "Tavastehus"),
        ("694", "Riihimäki", "Riihimäki"),
        ("405", "Lappeenranta", "Villmanstrand"),
        ("286", "Kouvola", "Kouvola"),
        ("167", "Joensuu", "Joensuu"),
        ("905", "Vaasa", "Vasa"),
        ("698", "Rovaniemi", "Rovaniemi"),
        ("478", "Maarianhamina", "Mariehamn"),
    ],
)
def test_the_well_known_codes_carry_their_finnish_and_swedish_names(
    code: str, fi: str, sv: str
) -> None:
    municipality = MunicipalityCode.parse(code)
    assert (municipality.name_fi, municipality.name_sv) == (fi, sv)
    assert municipality.in_force(date(2025, 1, 1)) and municipality.merged_into is None


def test_tampere_and_riihimaki_parse_and_start_a_job_search() -> None:
    assert str(MunicipalityCode.parse("837")) == "837 Tampere"
    assert str(MunicipalityCode.parse(694)) == "694 Riihimäki"
    area = EmploymentArea(":memory:")
    client_id = area.start_job_search(
        on=date(2025, 3, 3), municipality="837", birth_date=date(1990, 5, 1)
    )
    assert area.get_client(client_id).municipality == MunicipalityCode("837")


def test_a_merged_code_still_reads_but_is_refused_for_a_date_after_its_merger() -> None:
    honkajoki = MunicipalityCode("099")  # history is forever: the code still parses
    assert honkajoki.name_fi == "Honkajoki"
    assert honkajoki.valid_until == date(2020, 12, 31)
    assert honkajoki.merged_into == MunicipalityCode("214")
    assert honkajoki.check_in_force(date(2020, 12, 31)) is honkajoki
    with pytest.raises(MunicipalityMergedError, match="214 Kankaanpää") as refused:
        honkajoki.check_in_force(date(2021, 1, 1))
    assert refused.value.successor == "214" and isinstance(refused.value, MunicipalityError)
    assert MunicipalityCode("911") not in known_municipalities()  # Valtimo, into Nurmes 2020
    assert MunicipalityCode("911") in known_municipalities(date(2019, 12, 31))


def test_a_new_job_search_or_ledger_naming_a_merged_municipality_is_refused() -> None:
    area = EmploymentArea(":memory:")
    with pytest.raises(MunicipalityMergedError, match="541 Nurmes"):
        area.start_job_search(on=date(2025, 1, 2), municipality="911", birth_date=date(1980, 1, 1))
    with pytest.raises(MunicipalityMergedError, match="214"):
        area.open_ledger("pohjois-satakunta", 2021, on=date(2021, 1, 4), municipalities=["099"])
    # The books of a year before the merger may still be opened after it.
    area.open_ledger("pohjois-satakunta", 2020, on=date(2021, 2, 1), municipalities=["099", "214"])


def test_a_client_cannot_move_to_a_municipality_that_has_merged() -> None:
    area = EmploymentArea(":memory:")
    client_id = area.start_job_search(
        on=date(2025, 1, 2), municipality="837", birth_date=date(1980, 1, 1)
    )
    with pytest.raises(MunicipalityMergedError, match="297 Kuopio"):
        area.change_client_facts(client_id, on=date(2025, 2, 3), municipality="174")


def test_the_classification_uses_the_status_vocabulary_of_the_parameters() -> None:
    from employment_domain.classification import _STATUSES

    assert _STATUSES == STATUSES


def test_a_classification_file_with_mistakes_is_refused_with_all_of_them() -> None:
    text = """classification: kuntaluokitus
year: 2025
valid_from: 2025-01-01
source: test
status: verified
verified: {codes: ["049"], reference: x}
count: 3
municipalities:
  "049": {fi: Espoo, sv: Esbo}
  "049": {fi: Espoo, sv: Esbo}
  "235": {fi: Espoo, sv: Grankulla}
  "099": {fi: Honkajoki, sv: Honkajoki, valid_until: 2020-12-31, merged_into: "214"}
"""
    with pytest.raises(MunicipalityError) as refused:
        read_municipality_classification(text)
    message = str(refused.value)
    for part in ("'049' is listed twice", "status must be one of", "'Espoo' is both"):
        assert part in message
    assert "merged_into '214' is not another listed code" in message
    assert "count says 3" in message


def test_a_clerk_may_type_a_municipality_code_without_leading_zeros() -> None:
    assert MunicipalityCode.parse("49") == MunicipalityCode("049")
    assert MunicipalityCode.parse(235) == MunicipalityCode("235")


@pytest.mark.parametrize("bad", ["999", "49", "0490", "abc"])
def test_an_unknown_or_malformed_municipality_code_is_refused_with_the_code(bad: str) -> None:
    with pytest.raises(MunicipalityError, match=f"'{bad}'"):
        MunicipalityCode(bad)


def test_a_valid_identity_code_gives_its_birth_date_and_individual_number() -> None:
    code = PersonalIdentityCode("131052-308T")
    assert code.birth_date == date(1952, 10, 13)
    assert code.individual_number == 308
    assert not code.is_temporary


def test_the_century_signs_added_in_2023_are_accepted() -> None:
    assert PersonalIdentityCode("010594Y9032").birth_date == date(1994, 5, 1)
    assert PersonalIdentityCode("020502E903Y").birth_date == date(2002, 5, 2)
    assert PersonalIdentityCode("010101+002S").birth_date.year == 1801


def test_the_repr_of_an_identity_code_never_shows_the_code() -> None:
    code = PersonalIdentityCode("131052-308T")
    assert "131052" not in repr(code)
    assert "308T" not in repr(code) + str(code)
    assert "131052" not in repr([code])


@pytest.mark.parametrize(
    "bad", ["131052-308U", "310252-308T", "131052308T", "131052*308T", "131052-000T", "x" * 11]
)
def test_a_malformed_identity_code_is_refused_without_repeating_it(bad: str) -> None:
    with pytest.raises(PersonalIdentityCodeError) as refused:
        PersonalIdentityCode(bad)
    assert bad not in str(refused.value)


def test_a_business_id_with_a_wrong_check_digit_is_refused_with_the_id() -> None:
    assert str(BusinessId("0101263-6")) == "0101263-6"
    with pytest.raises(BusinessIdError, match="0101263-7"):
        BusinessId("0101263-7")
    with pytest.raises(BusinessIdError):
        BusinessId("101263-6")


def test_periods_are_half_open_and_tile_the_year() -> None:
    january = Period.month(2025, 1)
    assert date(2025, 1, 31) in january and date(2025, 2, 1) not in january
    assert Period.month(2025, 12).end == date(2026, 1, 1)
    assert Period.quarter(2025, 2) == Period(date(2025, 4, 1), date(2025, 7, 1))
    assert Period.year(2024).days == 366
    assert sum(Period.month(2025, m).days for m in range(1, 13)) == Period.year(2025).days
    assert Period.through(date(2025, 1, 1), date(2025, 1, 31)) == january
    assert not january.overlaps(Period.month(2025, 2))


@pytest.mark.parametrize("call", [lambda: Period.month(2025, 13), lambda: Period.quarter(2025, 0)])
def test_months_and_quarters_out_of_range_are_refused(call: object) -> None:
    with pytest.raises(PeriodError):
        call()  # type: ignore[operator]


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(PeriodError, match="2025-02-01"):
        Period(date(2025, 2, 1), date(2025, 1, 1))
