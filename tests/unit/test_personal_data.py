"""Personal data: recorded encrypted, read back only with the client's key, erased by destroying it.

Runs on the in-memory store; the raw SQLite file and PostgreSQL tables are searched for plaintext
in ``tests/integration/test_personal_data_at_rest.py``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from employment_domain import EmploymentArea, NotFoundError, PersonalIdentityCode
from employment_domain.audit.seals import seal_history, verify_history
from employment_domain.personal_data.record import (
    MASTER_KEY_FILE_VARIABLE,
    MASTER_KEY_VARIABLE,
    ContactDetails,
    MasterKey,
    MasterKeyError,
    PersonalDataErasedError,
    PersonalDataError,
    PersonalDataUnreadableError,
    PersonalRecord,
    personal_record_id,
)
from employment_domain.store.service import application_of

CODE = "131052-308T"
NAME = "Maija Meikäläinen"
EMAIL = "maija.meikalainen@example.fi"


Area = EmploymentArea


@pytest.fixture
def master_key() -> MasterKey:
    return MasterKey.generate()


@pytest.fixture
def area(master_key: MasterKey) -> Area:
    return Area(":memory:", master_key=master_key)


def _client(area: Area) -> UUID:
    return area.start_job_search(
        on=date(2025, 1, 2), municipality="049", birth_date=date(1952, 10, 13)
    )


def _record(area: Area, client_id: UUID, *, on: date = date(2025, 1, 3), name: str = NAME) -> None:
    area.record_personal_details(
        client_id,
        on=on,
        identity_code=PersonalIdentityCode(CODE),
        name=name,
        contact=ContactDetails(email=EMAIL, phone="+358 40 123 4567"),
    )


def _history_bytes(area: Area) -> bytes:
    return b"".join(
        n.state + n.topic.encode()
        for n in application_of(area).recorder.select_notifications(start=1, limit=10**6)
    )


def test_recorded_details_read_back_decrypted(area: Area) -> None:
    client_id = _client(area)
    _record(area, client_id)
    details = area.personal_details(client_id)
    assert details.identity_code == PersonalIdentityCode(CODE)
    assert details.name == NAME
    assert details.contact == ContactDetails(email=EMAIL, phone="+358 40 123 4567")
    assert details.recorded_on == date(2025, 1, 3)
    assert not details.erased


def test_recording_again_replaces_the_details(area: Area) -> None:
    client_id = _client(area)
    _record(area, client_id)
    _record(area, client_id, on=date(2025, 3, 1), name="Maija Virtanen")
    details = area.personal_details(client_id)
    assert (details.name, details.recorded_on) == ("Maija Virtanen", date(2025, 3, 1))


def test_the_event_history_holds_no_personal_field_in_plain_text(area: Area) -> None:
    client_id = _client(area)
    _record(area, client_id)
    history = _history_bytes(area)
    for secret in (CODE, NAME, EMAIL, "Meik", "40 123", CODE.replace("-", "")):
        assert secret.encode() not in history
        assert secret.encode("unicode_escape") not in history
    record = application_of(area).load(PersonalRecord, personal_record_id(client_id))
    assert NAME not in repr(record) and CODE not in repr(record)


def test_no_repr_or_str_shows_personal_data(area: Area, master_key: MasterKey) -> None:
    client_id = _client(area)
    _record(area, client_id)
    details = area.personal_details(client_id)
    shown = " ".join(
        [repr(details), str(details), repr(details.contact), str(details.contact), repr(master_key)]
    )
    for secret in (CODE, NAME, EMAIL, "123 4567", master_key.to_text()):
        assert secret not in shown
    assert str(client_id) in repr(details)


def test_ciphertexts_of_equal_details_differ_and_their_lengths_are_padded(area: Area) -> None:
    first, second = _client(area), _client(area)
    _record(area, first)
    _record(area, second, name="Ville")
    one = application_of(area).load(PersonalRecord, personal_record_id(first)).ciphertext
    other = application_of(area).load(PersonalRecord, personal_record_id(second)).ciphertext
    assert one != other
    assert len(one) == len(other)  # the two names differ in length; the padding hides it


def test_erasure_makes_the_fields_read_as_erased_and_records_the_fact(area: Area) -> None:
    client_id = _client(area)
    _record(area, client_id)
    area.erase_personal_data(client_id, on=date(2025, 6, 1), reason="GDPR art. 17 request 2025/88")
    details = area.personal_details(client_id)
    assert details.erased and details.erased_on == date(2025, 6, 1)
    assert (details.identity_code, details.name, details.contact) == (None, None, None)
    record = application_of(area).load(PersonalRecord, personal_record_id(client_id))
    assert record.erasure_reason == "GDPR art. 17 request 2025/88"
    assert "erased on 2025-06-01" in repr(details)


def test_after_erasure_the_history_replays_and_seals_still_verify(area: Area) -> None:
    client_id = _client(area)
    _record(area, client_id)
    anchor = seal_history(area)
    state_before = area.client_state(client_id)
    area.erase_personal_data(client_id, on=date(2025, 6, 1), reason="GDPR erasure")
    assert verify_history(area, anchor).intact
    assert verify_history(area, seal_history(area)).intact
    assert area.client_state(client_id) == state_before
    replayed: object = application_of(area).repository.get(personal_record_id(client_id))
    assert isinstance(replayed, PersonalRecord) and replayed.erased_on == date(2025, 6, 1)


def test_erasing_twice_records_nothing_new(area: Area) -> None:
    client_id = _client(area)
    _record(area, client_id)
    area.erase_personal_data(client_id, on=date(2025, 6, 1), reason="GDPR erasure")
    size = area.head_position()
    area.erase_personal_data(client_id, on=date(2025, 7, 1), reason="GDPR erasure, repeated")
    assert area.head_position() == size
    assert area.personal_details(client_id).erased_on == date(2025, 6, 1)


def test_details_cannot_be_recorded_again_after_erasure(area: Area) -> None:
    client_id = _client(area)
    _record(area, client_id)
    area.erase_personal_data(client_id, on=date(2025, 6, 1), reason="GDPR erasure")
    size = area.head_position()
    with pytest.raises(PersonalDataErasedError, match="2025-06-01"):
        _record(area, client_id, on=date(2025, 7, 1))
    assert area.head_position() == size


def test_an_erasure_reason_that_contains_an_identity_code_is_refused(area: Area) -> None:
    client_id = _client(area)
    _record(area, client_id)
    size = area.head_position()
    with pytest.raises(PersonalDataError, match="must not contain an identity code") as refused:
        area.erase_personal_data(client_id, on=date(2025, 6, 1), reason=f"request of {CODE}")
    assert CODE not in str(refused.value)
    assert area.head_position() == size
    assert area.personal_details(client_id).name == NAME


def test_dates_before_the_recorded_details_are_refused_naming_both(area: Area) -> None:
    client_id = _client(area)
    _record(area, client_id, on=date(2025, 3, 1))
    with pytest.raises(PersonalDataError, match=r"2025-02-01.*2025-03-01"):
        area.erase_personal_data(client_id, on=date(2025, 2, 1), reason="GDPR erasure")
    with pytest.raises(PersonalDataError, match=r"2025-02-01.*2025-03-01"):
        _record(area, client_id, on=date(2025, 2, 1))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"identity_code": CODE}, "PersonalIdentityCode, not str"),
        ({"name": ""}, "a name is 1–200 characters"),
        ({"name": "Maija\x00Meik"}, "without control characters"),
        ({"name": "Maija \ud800"}, "without control characters"),
        ({"name": "M" * 201}, "got 201 characters"),
        ({"name": 42}, "a name is text, not int"),
        ({"contact": {"email": EMAIL}}, "ContactDetails, not dict"),
        ({"on": "2025-01-03"}, "business date"),
    ],
)
def test_malformed_details_are_refused_without_quoting_them_and_record_nothing(
    area: Area, change: dict[str, object], message: str
) -> None:
    client_id = _client(area)
    arguments: dict[str, object] = {
        "on": date(2025, 1, 3),
        "identity_code": PersonalIdentityCode(CODE),
        "name": NAME,
        "contact": ContactDetails(email=EMAIL),
        **change,
    }
    with pytest.raises(PersonalDataError, match=message) as refused:
        area.record_personal_details(client_id, **arguments)  # type: ignore[arg-type]
    for secret in (CODE, "Maija", EMAIL):
        assert secret not in str(refused.value)
    assert area.head_position() == 1


def test_a_contact_detail_with_a_line_break_is_refused_without_quoting_it() -> None:
    with pytest.raises(PersonalDataError, match="a contact address") as refused:
        ContactDetails(address="Tapiontori 3\nEspoo")
    assert "Tapiontori" not in str(refused.value)


def test_unknown_clients_and_clients_without_details_are_named_errors(area: Area) -> None:
    stranger = uuid4()
    with pytest.raises(NotFoundError, match=str(stranger)):
        _record(area, stranger)
    with pytest.raises(NotFoundError, match=str(stranger)):
        area.personal_details(stranger)
    client_id = _client(area)
    with pytest.raises(
        NotFoundError, match=f"no personal details are recorded for client {client_id}"
    ):
        area.personal_details(client_id)
    with pytest.raises(NotFoundError, match=str(client_id)):
        area.erase_personal_data(client_id, on=date(2025, 6, 1), reason="GDPR erasure")
    with pytest.raises(
        NotFoundError, match="a client id is a UUID, not str of length 11"
    ) as refused:
        area.personal_details(CODE)  # type: ignore[arg-type]
    assert CODE not in str(refused.value)
    assert area.head_position() == 1


def test_another_master_key_cannot_open_the_data_and_says_which_keys_differ(
    master_key: MasterKey, tmp_path: Path
) -> None:
    area = Area(tmp_path / "area.db", master_key=master_key)
    client_id = _client(area)
    _record(area, client_id)
    other = MasterKey.generate()
    elsewhere = Area(tmp_path / "area.db", master_key=other)
    with pytest.raises(PersonalDataUnreadableError) as refused:
        elsewhere.personal_details(client_id)
    assert master_key.key_id in str(refused.value) and other.key_id in str(refused.value)


def test_the_master_key_comes_from_the_environment_variable(
    monkeypatch: pytest.MonkeyPatch, master_key: MasterKey
) -> None:
    monkeypatch.setenv(MASTER_KEY_VARIABLE, master_key.to_text())
    monkeypatch.delenv(MASTER_KEY_FILE_VARIABLE, raising=False)
    area = Area(":memory:")
    client_id = _client(area)
    _record(area, client_id)
    assert area.personal_details(client_id).name == NAME
    assert MasterKey.from_environment() == master_key


@pytest.mark.parametrize("form", ["text", "raw bytes"])
def test_the_master_key_comes_from_a_key_file(
    tmp_path: Path, master_key: MasterKey, form: str
) -> None:
    path = tmp_path / "master.key"
    if form == "text":
        path.write_text(master_key.to_text() + "\n")
    else:
        path.write_bytes(master_key.secret)
    assert MasterKey.from_environment({MASTER_KEY_FILE_VARIABLE: str(path)}) == master_key


def test_without_a_master_key_personal_data_is_refused_but_the_area_still_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(MASTER_KEY_VARIABLE, raising=False)
    monkeypatch.delenv(MASTER_KEY_FILE_VARIABLE, raising=False)
    area = Area(":memory:")
    client_id = _client(area)
    with pytest.raises(MasterKeyError, match=MASTER_KEY_VARIABLE):
        _record(area, client_id)
    assert area.head_position() == 1


@pytest.mark.parametrize(
    "environ",
    [
        {MASTER_KEY_VARIABLE: "not base64!"},
        {MASTER_KEY_VARIABLE: "c2hvcnQ="},
        {MASTER_KEY_FILE_VARIABLE: "/nonexistent/master.key"},
    ],
)
def test_a_malformed_master_key_is_a_named_error(environ: dict[str, str]) -> None:
    with pytest.raises(MasterKeyError):
        MasterKey.from_environment(environ)


def test_a_master_key_given_as_something_else_is_refused() -> None:
    with pytest.raises(PersonalDataError, match="str"):
        Area(":memory:", master_key="secret")  # type: ignore[arg-type]
