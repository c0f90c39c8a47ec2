"""Municipality codes, personal identity codes, business IDs and periods validate themselves."""

from __future__ import annotations

from datetime import date

import pytest

from employment_domain import (
    BusinessId,
    BusinessIdError,
    MunicipalityCode,
    MunicipalityError,
    Period,
    PeriodError,
    PersonalIdentityCode,
    PersonalIdentityCodeError,
    known_municipalities,
)


def test_espoo_and_kauniainen_have_their_finnish_and_swedish_names() -> None:
    assert MunicipalityCode("049").name_fi == "Espoo"
    assert MunicipalityCode("049").name_sv == "Esbo"
    assert MunicipalityCode("235").name_sv == "Grankulla"
    assert MunicipalityCode("257").name_fi == "Kirkkonummi"


def test_every_municipality_of_uusimaa_is_known() -> None:
    assert len(known_municipalities()) >= 26
    assert {"091", "092", "257"} <= {m.code for m in known_municipalities()}


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
