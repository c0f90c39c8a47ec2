"""How the demo's contacts are made: channel, office or place, and language of service.

The choices are demo assumptions, deterministic in the client or employer and the day so that
the same seed gives the same store: an initial interview is mostly a personal appointment at
the client's office, a job search discussion often by phone or video, a supplementary
discussion at the lobby, in the e-services or at a service square. The office is the one the
area's routing rules give the client's district (the ``line`` fact's unit), so another area's
rules folder gives its own offices. The language follows the mother tongue: Finnish and
Swedish speakers are served in their language, most others in Finnish or English and some in
another language with an interpreter.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from employment_domain.contacts import Channel, ServiceContact, ServiceLanguage
from employment_domain.routing.rulebook import Rulebook

__all__ = ["SERVICE_SQUARE", "client_contact", "employer_contact", "office_of"]

#: The place of low-threshold advice in the demo (the plan names service squares, not which).
SERVICE_SQUARE = "Service square"
#: The place of phone, video and e-service contacts when the client's office is not known.
_REMOTE = "Remote service"
#: Per kind of contact, the channel by a draw of 0–99: (upper bound, channel) in order.
_CHANNELS = {
    "interview": ((70, Channel.APPOINTMENT), (90, Channel.REMOTE), (100, Channel.LOBBY)),
    "discussion": (
        (45, Channel.APPOINTMENT),
        (80, Channel.REMOTE),
        (92, Channel.E_SERVICE),
        (100, Channel.LOBBY),
    ),
    "supplementary": (
        (30, Channel.LOBBY),
        (55, Channel.SERVICE_SQUARE),
        (80, Channel.E_SERVICE),
        (100, Channel.REMOTE),
    ),
}
_EMPLOYER_CHANNELS = ((40, Channel.APPOINTMENT), (85, Channel.REMOTE), (100, Channel.E_SERVICE))


def _draw(party: UUID, day: date, salt: int = 0) -> int:
    """A number 0–99 fixed by the party and the day (no random state to thread through)."""
    return (party.int // 7 + day.toordinal() * 31 + salt * 17) % 100


def _pick(table: tuple[tuple[int, Channel], ...], draw: int) -> Channel:
    return next(channel for bound, channel in table if draw < bound)


def office_of(rulebook: Rulebook, district: str, municipality: str) -> str:
    """The office the routing rules give a client of ``district``: the unit of its line."""
    key = rulebook.district_key(district, municipality)
    line = rulebook.districts[key].attributes.get("line", "unknown") if key != "unknown" else None
    units = rulebook.facts["line"].units if "line" in rulebook.facts else {}
    return str(units.get(line or "unknown", _REMOTE))


def _language(mother_tongue: str, draw: int) -> ServiceLanguage:
    if mother_tongue == "fi":
        return ServiceLanguage.FINNISH
    if mother_tongue == "sv":
        return ServiceLanguage.SWEDISH if draw < 90 else ServiceLanguage.FINNISH
    if draw < 45:
        return ServiceLanguage.FINNISH
    return ServiceLanguage.ENGLISH if draw < 85 else ServiceLanguage.OTHER


def client_contact(
    kind: str, client_id: UUID, day: date, *, office: str, mother_tongue: str
) -> ServiceContact:
    """The contact of a client's ``kind`` (interview, discussion, supplementary) on ``day``."""
    channel = _pick(_CHANNELS[kind], _draw(client_id, day))
    place = SERVICE_SQUARE if channel is Channel.SERVICE_SQUARE else office
    return ServiceContact(channel, place, _language(mother_tongue, _draw(client_id, day, 1)))


def employer_contact(employer_id: UUID, day: date) -> tuple[Channel, ServiceLanguage]:
    """The channel and language of a contact with an employer on ``day``."""
    draw = _draw(employer_id, day, 2)
    language = ServiceLanguage.ENGLISH if draw < 12 else ServiceLanguage.FINNISH
    if 12 <= draw < 17:
        language = ServiceLanguage.SWEDISH
    return _pick(_EMPLOYER_CHANNELS, _draw(employer_id, day)), language
