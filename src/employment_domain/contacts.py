"""How, where and in which language a client or an employer was served: the service contact.

The plan (section c) offers lobby service and personal appointments at the offices
("niin aulapalvelua kuin henkilökohtaisia vastaanottotapaamisia työntekijöiden kanssa") and
low-threshold advice at service squares ("matalan kynnyksen neuvontaa ja ohjausta mm.
palvelutoreilla"); phone or video and the e-services are how the rest of the service reaches
people. Every contact event of a client (initial interview, job search and supplementary
discussions) and of an employer records its channel, its office or place and the language
it was given in.

The channels and languages are small enums in code, not area data: the report's columns, the
translations and the events' stored values all name them, so a new channel is a change of the
library (with a catalogue entry and a test), not something a rules folder could add without
the reports knowing. The places are the area's own (its offices' names, ``Remote service``,
a service square), so a place is any non-empty name. Contacts stored before channels were
recorded read as channel, place and language ``unknown`` (an upcast of their events), which
no new contact may claim.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import attrs

from employment_domain.errors import EmploymentDomainError

__all__ = [
    "UNKNOWN",
    "Channel",
    "ContactError",
    "ContactPlaceError",
    "ServiceContact",
    "ServiceLanguage",
    "UnknownChannelError",
    "UnknownServiceLanguageError",
    "contact_fields",
    "upcast_contact_v1_v2",
]

#: What a contact recorded before channels were reads as, for channel, place and language.
UNKNOWN = "unknown"


class Channel(StrEnum):
    """The channel of a contact (plan, section c: lobby, appointment, service square)."""

    LOBBY = "lobby"  # aulapalvelu at an office
    APPOINTMENT = "appointment"  # henkilökohtainen vastaanottotapaaminen
    REMOTE = "remote"  # by phone or video
    E_SERVICE = "e_service"  # in the e-services, in writing
    SERVICE_SQUARE = "service_square"  # low-threshold advice at a service square (palvelutori)


class ServiceLanguage(StrEnum):
    """The language a contact was given in (not the client's mother tongue)."""

    FINNISH = "finnish"
    SWEDISH = "swedish"
    ENGLISH = "english"
    OTHER = "other"  # another language, usually with an interpreter


class ContactError(EmploymentDomainError, ValueError):
    """A service contact refused: its channel, place or language is not one there is."""


class UnknownChannelError(ContactError):
    """A channel that is none of :class:`Channel`'s."""


class UnknownServiceLanguageError(ContactError):
    """A language of service that is none of :class:`ServiceLanguage`'s."""


class ContactPlaceError(ContactError):
    """A contact without an office or place."""


def _channel(value: object) -> Channel:
    try:
        return Channel(value)  # type: ignore[arg-type]  # any value: a bad one is named
    except ValueError:
        known = ", ".join(channel.value for channel in Channel)
        raise UnknownChannelError(f"unknown channel {value!r}; the channels are {known}") from None


def _language(value: object) -> ServiceLanguage:
    try:
        return ServiceLanguage(value)  # type: ignore[arg-type]  # any value: a bad one is named
    except ValueError:
        known = ", ".join(language.value for language in ServiceLanguage)
        raise UnknownServiceLanguageError(
            f"unknown language of service {value!r}; the languages are {known}"
        ) from None


def _place(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or value.strip() == UNKNOWN:
        raise ContactPlaceError(f"a contact needs its office or place: {value!r}")
    return value.strip()


@attrs.frozen
class ServiceContact:
    """A contact's channel, its office or place, and its language of service.

    ``ServiceContact("appointment", "Matinkylä office (Iso Omena)", "finnish")``; the strings
    are checked into the enums, and a bad one raises its named :class:`ContactError`.
    """

    channel: Channel = attrs.field(converter=_channel)
    place: str = attrs.field(converter=_place)
    language: ServiceLanguage = attrs.field(converter=_language)


def contact_fields(contact: object) -> dict[str, str]:
    """The event fields of a contact: its three values as text, or ``unknown`` for none given."""
    if contact is None:
        return {"channel": UNKNOWN, "place": UNKNOWN, "language": UNKNOWN}
    if not isinstance(contact, ServiceContact):
        raise ContactError(f"a contact is a ServiceContact, not {contact!r}")
    return {
        "channel": contact.channel.value,
        "place": contact.place,
        "language": contact.language.value,
    }


def upcast_contact_v1_v2(state: dict[str, Any]) -> None:
    """A contact event stored before channels were recorded: channel, place, language unknown."""
    for field in ("channel", "place", "language"):
        state.setdefault(field, UNKNOWN)
