"""The one base error of the library, so callers can catch every refusal with one clause.

Every refusal raised by the library subclasses :class:`EmploymentDomainError`; the concrete
classes live next to the concept they protect (money, values, parameters, aggregates). A command
that raises one of them has recorded nothing.
"""

from __future__ import annotations


class EmploymentDomainError(Exception):
    """A command or value was refused; the message says what was wrong and with which value."""


class StoreError(EmploymentDomainError):
    """The event store could not be opened or reached (bad path, unreachable server)."""


class ConcurrentUpdateError(EmploymentDomainError):
    """Another writer saved the same aggregate first; reload it and try the command again."""


class NotFoundError(EmploymentDomainError):
    """No aggregate with the given id exists in this employment area."""
