"""Jobseekers' personal data (identity code, name, contact details), encrypted at rest under a
key per client that erasure destroys.

The data is kept out of the Client aggregate: a ``PersonalRecord`` aggregate, keyed by a uuid5 of
the client id, holds only AES-GCM ciphertext. Each record's data key is stored wrapped (encrypted)
under a master key in a key table beside the event store, not in an event: erasing destroys that
row, so the ciphertext in the history becomes unreadable even with the master key, while the
history itself, and every seal over it, stays byte-for-byte the same (crypto-shredding).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import secrets
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import attrs
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import Aggregate, event

from employment_domain.errors import EmploymentDomainError, NotFoundError
from employment_domain.topics import moved
from employment_domain.values import PersonalIdentityCode

__all__ = [
    "MASTER_KEY_FILE_VARIABLE",
    "MASTER_KEY_VARIABLE",
    "ContactDetails",
    "MasterKey",
    "MasterKeyError",
    "PersonalDataErasedError",
    "PersonalDataError",
    "PersonalDataUnreadableError",
    "PersonalDetails",
    "PersonalRecord",
    "personal_record_id",
]

#: The environment variable holding the master key as base64 of 32 bytes.
MASTER_KEY_VARIABLE = "EMPLOYMENT_AREA_MASTER_KEY"
#: The environment variable naming a file that holds the master key (base64 text or 32 bytes).
MASTER_KEY_FILE_VARIABLE = "EMPLOYMENT_AREA_MASTER_KEY_FILE"

_NAMESPACE = UUID("0b8f5c2e-4d1a-4f6e-9a57-3c2d9e8b7a10")
_NONCE_SIZE = 12
_PAD_TO = 64
_MAX_TEXT = 200
# Control characters, line separators and lone surrogates (which no UTF-8 store can hold).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_IDENTITY_CODE_SHAPE = re.compile(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]", re.IGNORECASE)


class PersonalDataError(EmploymentDomainError, ValueError):
    """Personal data refused or unavailable; the message never contains the data itself."""


class MasterKeyError(PersonalDataError):
    """No master key is configured, or the configured one is malformed."""


class PersonalDataErasedError(PersonalDataError):
    """The client's personal data was erased; nothing can be recorded for them again."""


class PersonalDataUnreadableError(PersonalDataError):
    """The data key is missing, or wrapped under another master key, or a ciphertext is damaged."""


def describe_refused(value: object) -> str:
    """A refused argument for an error message: text only by its length, since a caller who mixed
    up arguments may have passed an identity code or a name; anything else as its repr."""
    if isinstance(value, str | bytes):
        return f"{type(value).__name__} of length {len(value)}"
    return repr(value)[:60]


def personal_record_id(client_id: UUID) -> UUID:
    """The id of a client's personal record: a uuid5 of the client id, so no lookup is needed."""
    if not isinstance(client_id, UUID):
        raise NotFoundError(f"a client id is a UUID, not {describe_refused(client_id)}")
    return uuid5(_NAMESPACE, f"personal-record/{client_id}")


@attrs.frozen(repr=False)
class MasterKey:
    """The 256-bit key that wraps every client's data key; its repr never shows it."""

    secret: bytes = attrs.field()

    @secret.validator
    def _check(self, _: object, secret: object) -> None:
        if not isinstance(secret, bytes) or len(secret) != 32:
            raise MasterKeyError("a master key is 32 bytes (256 bits)")

    @classmethod
    def generate(cls) -> MasterKey:
        """A new random master key; keep ``to_text()`` of it somewhere safer than the database."""
        return cls(AESGCM.generate_key(bit_length=256))

    @classmethod
    def from_text(cls, text: str) -> MasterKey:
        """A master key from its base64 text (standard or URL-safe alphabet)."""
        if not isinstance(text, str):
            raise MasterKeyError("a master key is given as base64 text")
        cleaned = text.strip().replace("-", "+").replace("_", "/")
        try:
            secret = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
        except (binascii.Error, ValueError):
            raise MasterKeyError("a master key is base64 text of 32 bytes") from None
        return cls(secret)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> MasterKey:
        """A master key from a file holding its base64 text or its 32 raw bytes."""
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise MasterKeyError(f"cannot read the master key file {os.fspath(path)!r}") from error
        if len(data) == 32:
            return cls(data)
        try:
            return cls.from_text(data.decode("ascii"))
        except UnicodeDecodeError:
            raise MasterKeyError(
                f"the master key file {os.fspath(path)!r} holds neither 32 bytes nor base64 text"
            ) from None

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> MasterKey:
        """The master key from ``EMPLOYMENT_AREA_MASTER_KEY`` or ``..._MASTER_KEY_FILE``."""
        environ = dict(os.environ) if environ is None else environ
        if environ.get(MASTER_KEY_VARIABLE):
            return cls.from_text(environ[MASTER_KEY_VARIABLE])
        if environ.get(MASTER_KEY_FILE_VARIABLE):
            return cls.from_file(environ[MASTER_KEY_FILE_VARIABLE])
        raise MasterKeyError(
            f"personal data needs a master key: set {MASTER_KEY_VARIABLE} (base64 of 32 bytes)"
            f" or {MASTER_KEY_FILE_VARIABLE}, or pass master_key="
        )

    @property
    def key_id(self) -> str:
        """A short fingerprint naming this key in the key table, which reveals nothing of it."""
        return hashlib.sha256(b"ea1/master-key-id\0" + self.secret).hexdigest()[:16]

    def to_text(self) -> str:
        """The key as base64, for putting into the environment variable or key file."""
        return base64.b64encode(self.secret).decode("ascii")

    def __repr__(self) -> str:
        return f"MasterKey(<hidden>, key_id={self.key_id!r})"


def _check_text(what: str, text: object, *, required: bool) -> str | None:
    """The text, stripped, or PersonalDataError saying what was wrong but never quoting it."""
    if text is None and not required:
        return None
    if not isinstance(text, str):
        raise PersonalDataError(f"{what} is text, not {type(text).__name__}")
    if not text.strip() or len(text) > _MAX_TEXT or _CONTROL.search(text):
        raise PersonalDataError(
            f"{what} is 1–{_MAX_TEXT} characters without control characters"
            f" (got {len(text)} characters)"
        )
    return text.strip()


def _strip(text: object) -> object:
    return text.strip() if isinstance(text, str) else text


@attrs.frozen(repr=False)
class ContactDetails:
    """How to reach a jobseeker; every part optional. Its repr never shows the values."""

    email: str | None = attrs.field(default=None, converter=_strip)
    phone: str | None = attrs.field(default=None, converter=_strip)
    address: str | None = attrs.field(default=None, converter=_strip)

    def __attrs_post_init__(self) -> None:
        for part in ("email", "phone", "address"):
            _check_text(f"a contact {part}", getattr(self, part), required=False)

    def to_dict(self) -> dict[str, str | None]:
        return {"email": self.email, "phone": self.phone, "address": self.address}

    def __repr__(self) -> str:
        return "ContactDetails(<hidden>)"


@attrs.frozen(repr=False)
class PersonalDetails:
    """A client's decrypted personal data, or the mark that it was erased (all fields None)."""

    client_id: UUID
    identity_code: PersonalIdentityCode | None
    name: str | None
    contact: ContactDetails | None
    recorded_on: date
    erased_on: date | None = None

    @property
    def erased(self) -> bool:
        """Whether the data was erased; the fields are then None and cannot be recovered."""
        return self.erased_on is not None

    def __repr__(self) -> str:
        state = f"erased on {self.erased_on}" if self.erased else "<hidden>"
        return f"PersonalDetails(client_id={self.client_id}, {state})"


def check_details(identity_code: object, name: object, contact: object) -> None:
    """Refuse personal details of the wrong shape, naming what was wrong but never the value."""
    if not isinstance(identity_code, PersonalIdentityCode):
        raise PersonalDataError(
            f"an identity code is a PersonalIdentityCode, not {type(identity_code).__name__}"
        )
    _check_text("a name", name, required=True)
    if not isinstance(contact, ContactDetails):
        raise PersonalDataError(f"contact details are ContactDetails, not {type(contact).__name__}")


def check_reason(reason: object) -> str:
    """An erasure reason is recorded in plain text, so it must not carry personal data."""
    text = _check_text("an erasure reason", reason, required=True) or ""
    if _IDENTITY_CODE_SHAPE.search(text):
        raise PersonalDataError(
            "an erasure reason is kept in plain text and must not contain an identity code"
        )
    return text


def new_data_key() -> bytes:
    """A fresh random 256-bit data key for one client."""
    return AESGCM.generate_key(bit_length=256)


def _encrypt(key: bytes, plaintext: bytes, context: bytes) -> bytes:
    nonce = secrets.token_bytes(_NONCE_SIZE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def _decrypt(key: bytes, sealed: bytes, context: bytes) -> bytes:
    return AESGCM(key).decrypt(sealed[:_NONCE_SIZE], sealed[_NONCE_SIZE:], context)


def wrap_data_key(master: MasterKey, record_id: UUID, data_key: bytes) -> bytes:
    """The data key encrypted under the master key, bound to its record so it cannot be moved."""
    return _encrypt(master.secret, data_key, b"ea1/data-key/" + record_id.bytes)


def unwrap_data_key(master: MasterKey, record_id: UUID, wrapped: bytes, wrapped_by: str) -> bytes:
    """The data key, or PersonalDataUnreadableError naming the master key ids involved."""
    try:
        return _decrypt(master.secret, wrapped, b"ea1/data-key/" + record_id.bytes)
    except (InvalidTag, ValueError):
        raise PersonalDataUnreadableError(
            f"the data key of personal record {record_id} was wrapped under master key"
            f" {wrapped_by!r} and cannot be opened with master key {master.key_id!r}"
        ) from None


def encrypt_details(
    data_key: bytes,
    record_id: UUID,
    identity_code: PersonalIdentityCode,
    name: str,
    contact: ContactDetails,
) -> str:
    """The details as base64 AES-GCM ciphertext, padded so that lengths say little."""
    plaintext = json.dumps(
        {"identity_code": identity_code.code, "name": name.strip(), "contact": contact.to_dict()},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    plaintext += b" " * (-len(plaintext) % _PAD_TO)
    sealed = _encrypt(data_key, plaintext, b"ea1/personal-details/" + record_id.bytes)
    return base64.b64encode(sealed).decode("ascii")


def decrypt_details(data_key: bytes, record: PersonalRecord, client_id: UUID) -> PersonalDetails:
    """The record's latest details, decrypted with its data key."""
    try:
        plaintext = _decrypt(
            data_key,
            base64.b64decode(record.ciphertext, validate=True),
            b"ea1/personal-details/" + record.id.bytes,
        )
        data: dict[str, Any] = json.loads(plaintext.decode("utf-8"))
        return PersonalDetails(
            client_id=client_id,
            identity_code=PersonalIdentityCode(data["identity_code"]),
            name=data["name"],
            contact=ContactDetails(**data["contact"]),
            recorded_on=record.recorded_on,
        )
    except (InvalidTag, ValueError, KeyError, TypeError, binascii.Error):
        raise PersonalDataUnreadableError(
            f"the personal details of client {client_id} cannot be decrypted: the stored"
            " ciphertext is damaged or was written under another data key"
        ) from None


class PersonalRecord(Aggregate):
    """A client's personal data as ciphertext only, and the fact of its erasure.

    Its events never hold plaintext; the key that opens them lives outside the history.
    """

    class Opened(Aggregate.Created):
        """Personal details were first recorded for the client (as ciphertext)."""

        client_id: UUID
        on: date
        ciphertext: str

    class DetailsRecorded(Aggregate.Event):
        """The client's personal details were replaced (as ciphertext)."""

        on: date
        ciphertext: str

    class Erased(Aggregate.Event):
        """The client's data key was destroyed: the ciphertexts can no longer be read."""

        on: date
        reason: str

    @event(Opened)
    def __init__(self, id: UUID, client_id: UUID, on: date, ciphertext: str) -> None:
        self.client_id = client_id
        self.recorded_on = on
        self.ciphertext = ciphertext
        self.erased_on: date | None = None
        self.erasure_reason: str | None = None

    def record_details(self, on: date, ciphertext: str) -> None:
        """Replace the details; refuses an erased record and a date before the last one."""
        self.check_open(on)
        self._details_recorded(on=on, ciphertext=ciphertext)

    def erase(self, on: date, reason: str) -> None:
        """Record the erasure; the caller destroys the data key right after saving this."""
        self.check_open(on)
        self._erased(on=on, reason=reason)

    @event(DetailsRecorded)
    def _details_recorded(self, on: date, ciphertext: str) -> None:
        self.recorded_on = on
        self.ciphertext = ciphertext

    @event(Erased)
    def _erased(self, on: date, reason: str) -> None:
        self.erased_on = on
        self.erasure_reason = reason

    def check_open(self, on: date) -> None:
        """Refuse a change to an erased record, or one dated before the latest details."""
        if self.erased_on is not None:
            raise PersonalDataErasedError(
                f"the personal data of client {self.client_id} was erased on {self.erased_on}"
            )
        if on < self.recorded_on:
            raise PersonalDataError(
                f"business date {on} is before the details were recorded on {self.recorded_on}"
            )


# Events stored by release 0.1.0 name this module by its old path.
moved("employment_domain.personal_data", PersonalRecord)
