"""One report read from a store: the single read path that every reader of a report takes.

The command line, the annual report, the audit and integrating systems call :func:`read_report`
(or :func:`read_all` for every projection at once). It opens the store for reading, catches the
read model up (or builds it from zero in a scratch database: as known at a past moment, when
the read model cannot be written, or when asked), selects the rows and returns them with the
position they hold. Rendering is the caller's: :func:`employment_domain.tabulate.render`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import attrs

from employment_domain.errors import EmploymentDomainError, StoreError
from employment_domain.reports.stores import (
    SCRATCH_READ_MODEL,
    CommandRefusedError,
    catch_up,
    check_read_model_matches,
    open_reading,
    read_model_for,
    read_model_is_writable,
)

if TYPE_CHECKING:
    from employment_domain.area import EmploymentArea
    from employment_domain.projections import Projection, ReadModel

__all__ = [
    "STABLE_REPORT_NAMES",
    "Report",
    "ReportOptionError",
    "ReportRequest",
    "available_reports",
    "built_read_model",
    "in_year",
    "read_all",
    "read_annual_report",
    "read_report",
    "report_options",
    "report_rows",
]

#: The reports' stable names, which other systems may rely on; the ones this version can build
#: are those of the projections registry (:func:`available_reports`).
STABLE_REPORT_NAMES = (
    "cost-split",
    "budget",
    "caseload",
    "caseload-groups",
    "routing",
    "deadlines",
    "outcomes",
    "effectiveness",
    "procurement",
    "structural-change",
    "service-channels",
    "staff",
    "partners",
)

#: Where a reader's notes go (a read model that could not be written, so built in memory).
Notes = Callable[[str], None]


class ReportOptionError(EmploymentDomainError, ValueError):
    """A report asked for with an option it does not have (a published form, a breakdown) or a
    name that no report has."""


@attrs.frozen
class ReportRequest:
    """Which report, cut how, as known when.

    ``through`` cuts at a business date; ``known_at`` gives the report as the store knew it at
    a notification position (int) or recorded time (datetime with a timezone).
    """

    name: str
    year: int | None = None
    through: date | None = None
    known_at: int | datetime | None = None
    published: bool = False
    by: str | None = None


@attrs.frozen
class Report:
    """A report's rows and the moment of the history they hold (``moment`` in English words;
    ``position`` the notification position, when the report was read at one, for a reader
    that words the moment in another language)."""

    request: ReportRequest
    rows: list[dict[str, Any]]
    moment: str
    position: int | None = None

    def columns(self, fmt: str) -> list[str] | None:
        """The columns to render in ``fmt``: all of them in JSON (None); in the forms that
        controllers read, all but the projection's reference columns (exact fractions,
        parameter ids and file names, which JSON keeps)."""
        from employment_domain.projections import projection_named

        if fmt == "json" or not self.rows:
            return None
        reference = set(projection_named(self.request.name).reference_columns)
        names = dict.fromkeys(name for row in self.rows for name in row)
        return [name for name in names if name not in reference]


def available_reports() -> list[str]:
    """The names of the reports this version can build, from the projections registry."""
    from employment_domain.projections import all_projections

    return [projection.name for projection in all_projections()]


def read_report(
    db: str | None,
    request: ReportRequest,
    *,
    read_model: str | None = None,
    scratch: bool = False,
    notes: Notes | None = None,
) -> Report:
    """The report ``request`` names, read from the store ``db`` (None: the default store).

    ``read_model`` is a SQLAlchemy URL for the read model (default: the store's own); with
    ``scratch`` the report is built from zero in memory and nothing is written anywhere.
    Raises :class:`ReportOptionError` for a name or option the report does not have, and
    :class:`~employment_domain.errors.StoreError` or a refusal for a store that cannot be read.
    """
    from employment_domain.audit.replay import report_as_known
    from employment_domain.projections import projection_named

    names = available_reports()
    if request.name not in names:
        later = " (not built by this version yet)" if request.name in STABLE_REPORT_NAMES else ""
        raise ReportOptionError(
            f"unknown report {request.name!r}{later}; the reports are {', '.join(names)}"
        )
    projection = projection_named(request.name)
    options = report_options(
        projection,
        year=request.year,
        through=request.through,
        published=request.published,
        by=request.by,
    )
    when = request.known_at
    with _reading(db) as app:
        if when is None:
            model, position = built_read_model(
                app, [projection], db=db, url=read_model, scratch=scratch, notes=notes
            )
            try:
                with _breakdown_checked(request.by):
                    rows = model.report(projection, **options)
            finally:
                model.close()
            moment = f"as known at position {position}"
            at_position: int | None = position
        else:
            at = None if isinstance(when, int) else when
            stop = when if isinstance(when, int) else None
            with _breakdown_checked(request.by):
                rows = report_as_known(app, projection.name, position=stop, at=at, **options)
            moment = f"as known at position {when}" if at is None else f"as known at {at}"
            at_position = stop
    return Report(request, in_year(rows, projection, request.year), moment, at_position)


@contextmanager
def read_all(
    db: str | None,
    *,
    known_at: int | datetime | None = None,
    read_model: str | None = None,
    scratch: bool = False,
    notes: Notes | None = None,
) -> Iterator[tuple[EmploymentArea, ReadModel]]:
    """The store opened for reading and a read model holding every projection, caught up (or
    built in memory up to ``known_at``); both are closed when the block ends. The annual report
    reads all the projections' tables this way."""
    from employment_domain.projections import ReadModel, position_known_at

    with _reading(db) as app:
        if known_at is None:
            model, _ = built_read_model(
                app, None, db=db, url=read_model, scratch=scratch, notes=notes
            )
        else:
            stop = known_at if isinstance(known_at, int) else position_known_at(app, known_at)
            model = ReadModel(SCRATCH_READ_MODEL)
            catch_up(app, model, stop=stop)
        try:
            yield app, model
        finally:
            model.close()


def built_read_model(
    app: EmploymentArea,
    projections: list[Projection] | None,
    *,
    db: str | None,
    url: str | None = None,
    scratch: bool = False,
    notes: Notes | None = None,
) -> tuple[ReadModel, int]:
    """The read model holding ``projections`` (default: all) caught up, and the position it is
    built to: the store's own read model when it can be written, else a scratch database in
    memory (said in ``notes``)."""
    from employment_domain.projections import ProjectionConflictError, ReadModel

    tell = notes or (lambda _: None)
    read_model = read_model_for(db, url)
    if not scratch and read_model_is_writable(read_model):
        try:
            check_read_model_matches(app, read_model)
            return read_model, catch_up(app, read_model, projections).position
        except (StoreError, ProjectionConflictError) as error:
            # The read model cannot be written now (refused, locked, another runner in it).
            tell(f"{error}; building in memory")
    elif not scratch:
        tell(
            f"the read model {read_model.description} cannot be written; building the report"
            " in memory"
        )
    read_model.close()
    scratch_model = ReadModel(SCRATCH_READ_MODEL)
    return scratch_model, catch_up(app, scratch_model, projections).position


def report_options(
    projection: Projection,
    *,
    year: int | None = None,
    through: date | None = None,
    published: bool = False,
    by: str | None = None,
) -> dict[str, Any]:
    """The options to hand to the projection's report function, which takes those it declares.

    A report that cannot be cut at a business date is refused rather than shown uncut, and so
    is a published form or a breakdown the report does not have; a report without ``year`` is
    cut to the year afterwards by :func:`in_year`.
    """
    accepted = _declared_options(projection)
    options: dict[str, Any] = {}
    if through is not None:
        if "through" not in accepted:
            raise CommandRefusedError(
                f"the {projection.name} report cannot be cut at a business date"
            )
        options["through"] = through
    if published:
        if "published" not in accepted:
            raise ReportOptionError(
                f"the {projection.name} report has no published form (--published)"
            )
        options["published"] = True
    if by is not None:
        if "by" not in accepted:
            raise ReportOptionError(f"the {projection.name} report has no breakdowns (--by)")
        options["by"] = by
    if year is not None and "year" in accepted:
        options["year"] = year
    return options


def in_year(
    rows: list[dict[str, Any]], projection: Projection, year: int | None
) -> list[dict[str, Any]]:
    """The rows of ``year`` when the report could not be asked for it (by its ``year``,
    ``month`` or ``day`` column); all rows otherwise."""
    if year is None or "year" in _declared_options(projection):
        return rows
    return [row for row in rows if _in_year(row, year)]


def report_rows(
    read_model: ReadModel,
    projection: Projection,
    *,
    year: int | None = None,
    through: date | None = None,
) -> list[dict[str, Any]]:
    """The report's rows from ``read_model``, for ``year`` and up to the business date
    ``through`` when given."""
    options = report_options(projection, year=year, through=through)
    return in_year(read_model.report(projection, **options), projection, year)


@contextmanager
def _breakdown_checked(by: str | None) -> Iterator[None]:
    """A report refuses a breakdown it does not have with a ValueError (its signature says only
    that it takes ``by``, not which); for the reader that is an option error like the others."""
    try:
        yield
    except ValueError as error:
        if by is None or isinstance(error, EmploymentDomainError):
            raise
        raise ReportOptionError(str(error)) from error


@contextmanager
def _reading(db: str | None) -> Iterator[EmploymentArea]:
    app = open_reading(db)
    try:
        yield app
    finally:
        app.close()


def _declared_options(projection: Projection) -> set[str]:
    parameters = inspect.signature(type(projection).report).parameters.values()
    kinds = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return {p.name for p in parameters if p.kind in kinds and p.name != "connection"}


def _in_year(row: Mapping[str, Any], year: int) -> bool:
    if "year" in row:
        return str(row["year"]) == str(year)
    for column in ("month", "day", "date"):
        if column in row:
            return str(row[column]).startswith(f"{year:04d}")
    return True


def read_annual_report(
    db: str | None,
    *,
    year: int | None = None,
    lang: str = "en",
    known_at: int | datetime | None = None,
    read_model: str | None = None,
    scratch: bool = False,
    notes: Notes | None = None,
) -> tuple[int, str]:
    """The annual report of ``year`` (default: the latest ledger year) as one self-contained
    HTML page with the latest anchor, and the year it reports on."""
    from employment_domain.area_rules import rules_folder
    from employment_domain.audit.seals import latest_anchor
    from employment_domain.projections import projection_named
    from employment_domain.projections.annual import render_annual_report

    with read_all(db, known_at=known_at, read_model=read_model, scratch=scratch, notes=notes) as (
        app,
        model,
    ):
        anchor = latest_anchor(app)
        if year is None:
            years = [row["year"] for row in report_rows(model, projection_named("cost-split"))]
            if not years:
                raise CommandRefusedError("the store has no ledger year to report on; give --year")
            year = int(max(years))
        html = render_annual_report(
            model,
            year=year,
            anchor=None if anchor is None else str(anchor),
            lang=lang,
            area=rules_folder().area.name(lang),
        )
    return year, html
