"""employment_domain: the organising plan of the Espoo–Kauniainen employment area as software.

The public API: the application, its values and its errors. Everything not listed in ``__all__``
is private and may change.
"""

from employment_domain.area import EmploymentArea
from employment_domain.audit.readonly import ReadOnlyStoreError, open_for_audit
from employment_domain.audit.seals import (
    Anchor,
    AnchorError,
    IntegrityError,
    latest_anchor,
    seal_history,
    verify_history,
)
from employment_domain.calendar import add_working_days, is_working_day, working_days_between
from employment_domain.clients.client import (
    Client,
    ClientError,
    Deadline,
    EmploymentError,
    InitialInterviewError,
    JobSearchActiveError,
    JobSearchNotActiveError,
    PlanError,
    ProcessOrderError,
    ReferralError,
)
from employment_domain.commands.clients import ClientImportError
from employment_domain.commands.routing import DecisionCheck, RoutingCapacity
from employment_domain.contacts import (
    Channel,
    ContactError,
    ContactPlaceError,
    ServiceContact,
    ServiceLanguage,
    UnknownChannelError,
    UnknownServiceLanguageError,
)
from employment_domain.decisions import Decision, DecisionError, Route
from employment_domain.demo.year import DemoSummary, run_demo
from employment_domain.employers.employer import (
    DismissalError,
    DismissedEmployee,
    Employer,
    EmployerAlreadyRegisteredError,
    EmployerError,
    SubsidyError,
    VacancyError,
    VacancyOverfilledError,
    employer_id_for,
)
from employment_domain.errors import (
    ConcurrentUpdateError,
    EmploymentDomainError,
    NotFoundError,
    StoreError,
)
from employment_domain.ledgers.allocation import (
    AllocationError,
    BasisError,
    CostSplit,
    MunicipalBasis,
    MunicipalShare,
    SplitWeights,
    WeightsError,
    ZeroBasisError,
    split_cost,
)
from employment_domain.ledgers.ledger import (
    CostCategory,
    Ledger,
    LedgerClosedError,
    LedgerError,
    UnknownMunicipalityError,
    ledger_id,
)
from employment_domain.ledgers.records import BasisDateError, ResponsibleMunicipalityAdvanceError
from employment_domain.money import CurrencyError, Money, MoneyError
from employment_domain.parameters import (
    ParameterError,
    ParameterFileError,
    Parameters,
    UnknownParameterError,
    default_parameters,
)
from employment_domain.personal_data.record import (
    ContactDetails,
    MasterKey,
    MasterKeyError,
    PersonalDataErasedError,
    PersonalDataError,
    PersonalDetails,
)
from employment_domain.procurements.procurement import (
    CapacityError,
    ContractEndedError,
    Procurement,
    ProcurementError,
    ValueCapError,
)
from employment_domain.reports.disclosure import (
    DisclosureAudit,
    ReportDisclosure,
    audit_disclosure,
)
from employment_domain.reports.read import (
    Report,
    ReportOptionError,
    ReportRequest,
    read_annual_report,
    read_report,
)
from employment_domain.routing.archive import RulebookVersionNotFoundError
from employment_domain.routing.engine import (
    DurableRulesEngine,
    NoRuleMatchedError,
    ReferenceEngine,
    RoutingEngine,
    RuleEngineError,
    make_engine,
)
from employment_domain.routing.explain import Explanation, RuleCheck
from employment_domain.routing.lint import LintFinding, lint
from employment_domain.routing.rulebook import (
    RoutingError,
    RoutingFactsError,
    Rulebook,
    RulebookFileError,
    default_rulebook,
)
from employment_domain.store.init import init_store
from employment_domain.store.service import HistoryError, RecordedEvent, StoreNotInitialisedError
from employment_domain.values import (
    BusinessId,
    BusinessIdError,
    MunicipalityClassification,
    MunicipalityCode,
    MunicipalityError,
    MunicipalityMergedError,
    Period,
    PeriodError,
    PersonalIdentityCode,
    PersonalIdentityCodeError,
    known_municipalities,
    municipality_classification,
)

__all__ = [
    "AllocationError",
    "Anchor",
    "AnchorError",
    "BasisDateError",
    "BasisError",
    "BusinessId",
    "BusinessIdError",
    "CapacityError",
    "Channel",
    "Client",
    "ClientError",
    "ClientImportError",
    "ConcurrentUpdateError",
    "ContactDetails",
    "ContactError",
    "ContactPlaceError",
    "ContractEndedError",
    "CostCategory",
    "CostSplit",
    "CurrencyError",
    "Deadline",
    "Decision",
    "DecisionCheck",
    "DecisionError",
    "DemoSummary",
    "DisclosureAudit",
    "DismissalError",
    "DismissedEmployee",
    "DurableRulesEngine",
    "Employer",
    "EmployerAlreadyRegisteredError",
    "EmployerError",
    "EmploymentArea",
    "EmploymentDomainError",
    "EmploymentError",
    "Explanation",
    "HistoryError",
    "InitialInterviewError",
    "IntegrityError",
    "JobSearchActiveError",
    "JobSearchNotActiveError",
    "Ledger",
    "LedgerClosedError",
    "LedgerError",
    "LintFinding",
    "MasterKey",
    "MasterKeyError",
    "Money",
    "MoneyError",
    "MunicipalBasis",
    "MunicipalShare",
    "MunicipalityClassification",
    "MunicipalityCode",
    "MunicipalityError",
    "MunicipalityMergedError",
    "NoRuleMatchedError",
    "NotFoundError",
    "ParameterError",
    "ParameterFileError",
    "Parameters",
    "Period",
    "PeriodError",
    "PersonalDataErasedError",
    "PersonalDataError",
    "PersonalDetails",
    "PersonalIdentityCode",
    "PersonalIdentityCodeError",
    "PlanError",
    "ProcessOrderError",
    "Procurement",
    "ProcurementError",
    "ReadOnlyStoreError",
    "RecordedEvent",
    "ReferenceEngine",
    "ReferralError",
    "Report",
    "ReportDisclosure",
    "ReportOptionError",
    "ReportRequest",
    "ResponsibleMunicipalityAdvanceError",
    "Route",
    "RoutingCapacity",
    "RoutingEngine",
    "RoutingError",
    "RoutingFactsError",
    "RuleCheck",
    "RuleEngineError",
    "Rulebook",
    "RulebookFileError",
    "RulebookVersionNotFoundError",
    "ServiceContact",
    "ServiceLanguage",
    "SplitWeights",
    "StoreError",
    "StoreNotInitialisedError",
    "SubsidyError",
    "UnknownChannelError",
    "UnknownMunicipalityError",
    "UnknownParameterError",
    "UnknownServiceLanguageError",
    "VacancyError",
    "VacancyOverfilledError",
    "ValueCapError",
    "WeightsError",
    "ZeroBasisError",
    "add_working_days",
    "audit_disclosure",
    "default_parameters",
    "default_rulebook",
    "employer_id_for",
    "init_store",
    "is_working_day",
    "known_municipalities",
    "latest_anchor",
    "ledger_id",
    "lint",
    "make_engine",
    "municipality_classification",
    "open_for_audit",
    "read_annual_report",
    "read_report",
    "run_demo",
    "seal_history",
    "split_cost",
    "verify_history",
    "working_days_between",
]

__version__ = "0.2.0"
