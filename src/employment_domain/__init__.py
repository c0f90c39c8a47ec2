"""employment_domain: the organising plan of the Espoo–Kauniainen employment area as software.

The public API: the application, its values and its errors. Everything not listed in ``__all__``
is private and may change.
"""

from employment_domain.application import EmploymentArea
from employment_domain.calendar import add_working_days, is_working_day, working_days_between
from employment_domain.clients import Client, ClientError
from employment_domain.errors import (
    ConcurrentUpdateError,
    EmploymentDomainError,
    NotFoundError,
    StoreError,
)
from employment_domain.money import CurrencyError, Money, MoneyError
from employment_domain.parameters import (
    ParameterError,
    ParameterFileError,
    Parameters,
    UnknownParameterError,
    default_parameters,
)
from employment_domain.values import (
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

__all__ = [
    "BusinessId",
    "BusinessIdError",
    "Client",
    "ClientError",
    "ConcurrentUpdateError",
    "CurrencyError",
    "EmploymentArea",
    "EmploymentDomainError",
    "Money",
    "MoneyError",
    "MunicipalityCode",
    "MunicipalityError",
    "NotFoundError",
    "ParameterError",
    "ParameterFileError",
    "Parameters",
    "Period",
    "PeriodError",
    "PersonalIdentityCode",
    "PersonalIdentityCodeError",
    "StoreError",
    "UnknownParameterError",
    "add_working_days",
    "default_parameters",
    "is_working_day",
    "known_municipalities",
    "working_days_between",
]

__version__ = "0.1.0"
