"""A fuzz campaign over the public commands: arbitrary and hostile text, numbers, dates and
identifiers either succeed or raise a named EmploymentDomainError, never another exception, and a
refused command records nothing.

The number of inputs per test is bounded for CI; set ``EMPLOYMENT_DOMAIN_FUZZ_EXAMPLES`` for a
longer campaign, and run pytest with ``--hypothesis-show-statistics`` to see how many inputs were
tried and how each ended. Inputs that once escaped as unnamed exceptions are kept as examples.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from employment_domain import (
    BusinessId,
    EmploymentArea,
    EmploymentDomainError,
    Money,
    MunicipalityCode,
    Period,
    PersonalIdentityCode,
)
from employment_domain.audit.seals import Anchor, seal_history, verify_history
from employment_domain.personal_data.record import ContactDetails, MasterKey
from employment_domain.testing.strategies import (
    business_dates,
    business_ids,
    municipalities,
    personal_identity_codes,
)

FUZZ_EXAMPLES = int(os.environ.get("EMPLOYMENT_DOMAIN_FUZZ_EXAMPLES", "80"))
fuzz = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "049\x00",
    "'; DROP TABLE stored_events; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM employmentarea_events;--",
    "%s%s%s%n",
    "{0.__class__}",
    "${jndi:ldap://127.0.0.1/a}",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "\u202e940",  # right-to-left override
    "\ufeff049",  # byte-order mark
    "٠٤٩",  # Arabic-Indic digits
    "０４９",  # full-width digits
    "\ud800",  # a lone surrogate, which no UTF-8 store can hold
    "049\n235",
    "1e999999999",
    "-0",
    "NaN",
    "Infinity",
    "0x31",
    "9" * 400,
    "A" * 100_000,
    "131052-308T",
    "131052-308t ",
    "١٣١٠٥٢-٣٠٨T",
    "0101263-6",
    "٠١٠١٢٦٣-٦",
    "ea1:0:" + "0" * 64,
]

texts = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=60),
    st.from_regex(r"[0-9]{1,12}[-+A-FU-Y]?[0-9A-Y]{0,4}", fullmatch=True),
    st.from_regex(r" ?[-+−]?[0-9]{0,20}(\.[0-9]{0,4})?([eE][-+]?[0-9]{1,10})? ?", fullmatch=True),
    st.text(alphabet=st.characters(categories=["Nd", "Zs", "Cc", "Cf", "Cs"]), max_size=12),
)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.integers(min_value=-(10**30), max_value=10**30).map(Decimal).map(lambda d: d.scaleb(-3)),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(allow_nan=True, allow_infinity=True),
    st.fractions(),
    st.booleans(),
)
moments = st.one_of(
    st.dates(),
    st.datetimes(),
    st.sampled_from([date.min, date.max, datetime.max]),
    st.dates().map(lambda d: d.isoformat()),
)
#: Printable text that a clerk could type: letters, marks, spaces, hyphens and apostrophes.
plain_text = st.text(
    alphabet=st.characters(categories=["L", "M", "Zs", "Pd"], include_characters="'."),
    min_size=1,
    max_size=60,
).filter(str.strip)
identifiers = st.one_of(st.uuids(), st.none(), st.integers(), st.text(max_size=40))
anything = st.one_of(
    texts,
    numbers,
    moments,
    identifiers,
    st.none(),
    st.binary(max_size=16),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def _mostly(
    valid: st.SearchStrategy[Any], hostile: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    """Mostly valid, so that commands with several arguments get past validation often enough to
    exercise their writes; Hypothesis's ``one_of`` alone would pick the hostile side too often."""
    return st.sampled_from([True, True, True, True, False]).flatmap(
        lambda valid_side: valid if valid_side else hostile
    )


Area = EmploymentArea


@cache
def _area() -> tuple[Area, list[UUID]]:
    """One in-memory area for the whole campaign, with a few clients that commands can name."""
    area = Area(":memory:", master_key=MasterKey.generate())
    clients = [
        area.start_job_search(on=date(2025, 1, 2), municipality="049", birth_date=date(1980, 5, 5))
        for _ in range(3)
    ]
    area.record_personal_details(
        clients[0],
        on=date(2025, 1, 3),
        identity_code=PersonalIdentityCode("131052-308T"),
        name="Testi Henkilö",
    )
    seal_history(area)
    return area, clients


def _attempt(command: Callable[[], Any], area: EmploymentArea | None = None) -> Any:
    """Run one command: it succeeds, or it raises a named error and the log does not move."""
    before = area.head_position() if area is not None else None
    try:
        result = command()
    except EmploymentDomainError as refused:
        event(f"refused: {type(refused).__name__}")
        if area is not None:
            assert area.head_position() == before, "a refused command wrote"
        return refused
    event("accepted")
    return result


#: Each public value constructor with how many positional arguments it takes.
VALUE_CONSTRUCTORS: dict[str, tuple[Callable[..., Any], int]] = {
    "Money": (Money, 1),
    "Money.euros": (Money.euros, 2),
    "Money.from_cents": (Money.from_cents, 1),
    "MunicipalityCode": (MunicipalityCode, 1),
    "MunicipalityCode.parse": (MunicipalityCode.parse, 1),
    "PersonalIdentityCode": (PersonalIdentityCode, 1),
    "BusinessId": (BusinessId, 1),
    "Period": (Period, 2),
    "Period.month": (Period.month, 2),
    "Period.quarter": (Period.quarter, 2),
    "Period.year": (Period.year, 1),
    "Period.through": (Period.through, 2),
    "ContactDetails": (ContactDetails, 3),
    "MasterKey.from_text": (MasterKey.from_text, 1),
    "Anchor.parse": (Anchor.parse, 1),
}


@fuzz
@given(
    constructor=st.sampled_from(sorted(VALUE_CONSTRUCTORS)),
    arguments=st.lists(st.one_of(anything, moments, numbers), min_size=3, max_size=3),
)
@example(constructor="Money", arguments=["1e999999999", None, None])
@example(constructor="Money", arguments=["1E+30", None, None])
@example(constructor="Period.month", arguments=[2025, 1.5, None])
@example(constructor="Period.through", arguments=[date.max, date.max, None])
@example(constructor="Period.month", arguments=["", "", None])
@example(constructor="Money.euros", arguments=["1.00", 978, None])
@example(constructor="Period.through", arguments=[None, datetime(2000, 1, 1), None])
@example(constructor="Period", arguments=[date(2025, 1, 1), datetime(2025, 2, 1), None])
def test_every_value_constructor_builds_or_refuses_with_a_named_error(
    constructor: str, arguments: list[Any]
) -> None:
    build, arity = VALUE_CONSTRUCTORS[constructor]
    _attempt(lambda: build(*arguments[:arity]))


#: Decimal digits of other scripts (Arabic-Indic, Devanagari, full-width) that ``\\d`` matches.
_FOREIGN_DIGITS = [
    str.maketrans("0123456789", "".join(chr(zero + n) for n in range(10)))
    for zero in (0x0660, 0x0966, 0xFF10)
]
identifier_texts = st.one_of(
    texts,
    personal_identity_codes().map(lambda code: code.code),
    business_ids().map(str),
    municipalities().map(lambda municipality: municipality.code),
).flatmap(
    lambda text: st.sampled_from([text, *(text.translate(table) for table in _FOREIGN_DIGITS)])
)


@fuzz
@given(
    constructor=st.sampled_from(["PersonalIdentityCode", "BusinessId", "MunicipalityCode.parse"]),
    text=identifier_texts,
)
@example(constructor="PersonalIdentityCode", text="١٣١٠٥٢-٣٠٨T")
@example(constructor="BusinessId", text="٠١٠١٢٦٣-٦")
def test_an_accepted_identifier_is_plain_ascii_and_reads_back_the_same(
    constructor: str, text: str
) -> None:
    value = _attempt(lambda: VALUE_CONSTRUCTORS[constructor][0](text))
    if isinstance(value, EmploymentDomainError):
        return
    shown = value.code if hasattr(value, "code") else value.value
    assert shown.isascii(), f"{constructor} accepted non-ASCII {text!r}"
    assert type(value)(shown) == value


@fuzz
@given(
    on=_mostly(business_dates(), anything),
    municipality=_mostly(municipalities(), st.sampled_from(["49", 235, " 049 ", *HOSTILE_TEXT])),
    birth_date=_mostly(
        st.dates(min_value=date(1940, 1, 1), max_value=date(2009, 12, 31)), anything
    ),
    client_id=_mostly(st.one_of(st.none(), st.uuids()), anything),
)
@example(on=date(2025, 1, 2), municipality="049", birth_date=date(1990, 1, 1), client_id="abc")
@example(on=date(2025, 1, 2), municipality="049", birth_date=date(1990, 1, 1), client_id=5)
def test_starting_a_job_search_succeeds_or_is_refused_without_writing(
    on: Any, municipality: Any, birth_date: Any, client_id: Any
) -> None:
    area, _ = _area()
    before = area.head_position()
    outcome = _attempt(
        lambda: area.start_job_search(
            on=on, municipality=municipality, birth_date=birth_date, client_id=client_id
        ),
        area,
    )
    if not isinstance(outcome, EmploymentDomainError):
        assert area.head_position() == before + 1
        assert area.get_client(outcome).id == outcome


@fuzz
@given(
    command=st.sampled_from(["record", "read", "erase"]),
    recorded_before=st.booleans(),
    client=_mostly(st.just("the fresh client"), anything),
    on=_mostly(business_dates(min_value=date(2025, 1, 3)), anything),
    identity_code=_mostly(personal_identity_codes(), anything),
    name=_mostly(plain_text, st.one_of(texts, anything)),
    contact=st.lists(_mostly(st.one_of(st.none(), st.emails()), texts), min_size=3, max_size=3),
    reason=_mostly(plain_text, st.one_of(texts, anything)),
)
@example(
    command="record",
    recorded_before=False,
    client="the fresh client",
    on=date(2025, 1, 3),
    identity_code=PersonalIdentityCode("131052-308T"),
    name="\ud800",
    contact=[None, None, None],
    reason="",
)
@example(
    command="record",
    recorded_before=False,
    client="\ud800",
    on=date(2025, 1, 3),
    identity_code=PersonalIdentityCode("131052-308T"),
    name="A",
    contact=[None, None, None],
    reason="",
)
def test_personal_data_commands_succeed_or_are_refused_without_writing(
    command: str,
    recorded_before: bool,
    client: Any,
    on: Any,
    identity_code: Any,
    name: Any,
    contact: list[Any],
    reason: Any,
) -> None:
    area, _ = _area()
    fresh = area.start_job_search(
        on=date(2025, 1, 2), municipality="235", birth_date=date(1975, 6, 1)
    )
    if recorded_before:
        area.record_personal_details(
            fresh,
            on=date(2025, 1, 3),
            identity_code=PersonalIdentityCode("131052-308T"),
            name="Testi Henkilö",
        )
    client_id = fresh if client == "the fresh client" else client
    if command == "record":
        outcome = _attempt(
            lambda: area.record_personal_details(
                client_id,
                on=on,
                identity_code=identity_code,
                name=name,
                contact=ContactDetails(*contact),
            ),
            area,
        )
        if not isinstance(outcome, EmploymentDomainError):
            assert area.personal_details(client_id).name == name.strip()
        elif isinstance(identity_code, PersonalIdentityCode):
            assert identity_code.code not in str(outcome)
    elif command == "read":
        details = _attempt(lambda: area.personal_details(client_id), area)
        if not isinstance(details, EmploymentDomainError):
            assert "Henkilö" not in repr(details)
    else:
        outcome = _attempt(lambda: area.erase_personal_data(client_id, on=on, reason=reason), area)
        if not isinstance(outcome, EmploymentDomainError):
            assert area.personal_details(client_id).erased


@fuzz
@given(anchor=st.one_of(texts, anything, st.integers(min_value=0, max_value=50)))
def test_verifying_against_any_anchor_text_answers_or_refuses_with_a_named_error(
    anchor: Any,
) -> None:
    area, _ = _area()
    if isinstance(anchor, int) and not isinstance(anchor, bool):
        anchor = f"ea1:{anchor}:{'0' * 64}"
    verification = _attempt(lambda: verify_history(area, anchor), area)
    if not isinstance(verification, EmploymentDomainError):
        assert not (verification.intact and verification.first_difference is not None)
        assert verification.events_checked <= (area.head_position())
