"""The archive of rulebook versions: the full canonical text of every version that decided.

A routing decision records only the rulebook version (a content hash). So that the decision
can be re-checked after the rule files change, the first time a version decides, its canonical
text is recorded in the event store as a :class:`RulebookVersion` aggregate whose id is derived
from the version. Loading it back verifies that the text still hashes to the version.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from employment_domain.errors import NotFoundError
from employment_domain.routing.rulebook import RoutingError, Rulebook, RulebookFileError
from employment_domain.topics import moved

__all__ = ["RulebookVersion", "RulebookVersionNotFoundError", "archive_id"]

#: The namespace of rulebook version ids (uuid5 of the version hash).
RULEBOOK_NAMESPACE = UUID("6f1c3b0e-8a57-5f2e-9d4c-2b7e1a90c3d1")


class RulebookVersionNotFoundError(RoutingError, NotFoundError):
    """A decision names a rulebook version that is neither archived nor the current one."""


def archive_id(version: str) -> UUID:
    """The aggregate id under which a rulebook version is archived."""
    return uuid5(RULEBOOK_NAMESPACE, version)


class RulebookVersion(Aggregate):
    """One archived rulebook version: its hash, its canonical text and when it first decided.

    (``version`` is the aggregate's own event count, as for every aggregate; the rulebook's
    content hash is ``rulebook_version``.)
    """

    @event("Archived")
    def __init__(
        self, id: UUID, rulebook_version: str, canonical_text: str, first_decided_on: date
    ) -> None:
        self.rulebook_version = rulebook_version
        self.canonical_text = canonical_text
        self.first_decided_on = first_decided_on

    @classmethod
    def archive(cls, rulebook: Rulebook, *, on: date) -> RulebookVersion:
        """A new archive record of ``rulebook``, which first decided on business date ``on``."""
        return cls(
            id=archive_id(rulebook.version),
            rulebook_version=rulebook.version,
            canonical_text=rulebook.canonical_text,
            first_decided_on=on,
        )

    def rulebook(self) -> Rulebook:
        """The archived rulebook, refused if its text no longer hashes to its version."""
        try:
            rulebook = Rulebook.from_canonical(self.canonical_text)
        except (RulebookFileError, ValueError) as error:
            raise RoutingError(
                f"archived rulebook {self.rulebook_version} cannot be read: {error}"
            ) from None
        if rulebook.version != self.rulebook_version:
            raise RoutingError(
                f"archived rulebook {self.rulebook_version} hashes to {rulebook.version}:"
                " it was altered"
            )
        return rulebook


# Events stored by release 0.1.0 name this module by its old path.
moved("employment_domain.rulebook_archive", RulebookVersion)
