"""Retention and key rotation: personal data ends when its retention has passed, and the master
key can be replaced without touching a single event."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from employment_domain import (
    EmploymentArea,
    MasterKey,
    PersonalDataError,
    PersonalIdentityCode,
    seal_history,
    verify_history,
)

CODES = ("010180-9026", "020281-912F", "030382-9123")


def valid(code: str) -> PersonalIdentityCode:
    """The code with its check character put right (test codes use individual numbers 900+)."""
    digits = code[:6] + code[7:10]
    return PersonalIdentityCode(code[:10] + "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(digits) % 31])


def client_with_details(area: EmploymentArea, started: date, code: str) -> UUID:
    client_id = area.start_job_search(on=started, municipality="049", birth_date=date(1980, 1, 1))
    area.record_personal_details(client_id, on=started, identity_code=valid(code), name="Testi")
    return client_id


def history_bytes(area: EmploymentArea) -> list[tuple[int, str]]:
    return [(e.position, e.topic) for e in area.history(limit=10_000)]


def test_expiry_erases_only_clients_whose_retention_ended_and_a_dry_run_erases_nothing(
    durable_store: str,
) -> None:
    key = MasterKey.generate()
    with EmploymentArea(durable_store, master_key=key) as area:
        old = client_with_details(area, date(2013, 1, 2), CODES[0])
        area.end_job_search(old, on=date(2014, 6, 30), reason="employed")
        recent = client_with_details(area, date(2019, 1, 2), CODES[1])
        area.end_job_search(recent, on=date(2020, 6, 30), reason="employed")
        active = client_with_details(area, date(2013, 1, 2), CODES[2])
        before = area.head_position()
        assert area.expire_personal_data(as_of=date(2025, 1, 1), dry_run=True) == [old]
        assert area.head_position() == before and not area.personal_details(old).erased
        assert area.expire_personal_data(as_of=date(2025, 1, 1)) == [old]
        assert area.personal_details(old).erased
        assert not area.personal_details(recent).erased
        assert not area.personal_details(active).erased
        assert area.expire_personal_data(as_of=date(2025, 1, 1)) == []  # nothing left to do
        assert area.expire_personal_data(as_of=date(2030, 6, 29), dry_run=True) == []
        assert area.expire_personal_data(as_of=date(2030, 6, 30), dry_run=True) == [recent]


def test_rotating_the_master_key_rewraps_every_key_and_the_old_key_opens_nothing(
    durable_store: str,
) -> None:
    old_key, new_key = MasterKey.generate(), MasterKey.generate()
    with EmploymentArea(durable_store, master_key=old_key) as area:
        clients = [client_with_details(area, date(2025, 3, 3), code) for code in CODES]
        anchor = seal_history(area)
        events = history_bytes(area)
        assert area.rotate_master_key(new_key) == len(CODES)
        assert history_bytes(area) == events, "the events are untouched"
        assert verify_history(area, anchor).intact
    with EmploymentArea(durable_store, master_key=new_key) as area:
        assert [area.personal_details(c).name for c in clients] == ["Testi"] * len(CODES)
    with EmploymentArea(durable_store, master_key=old_key) as area:
        for client_id in clients:
            with pytest.raises(PersonalDataError):
                area.personal_details(client_id)
