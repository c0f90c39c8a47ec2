"""Report rows as a table, CSV, JSON or a spreadsheet, in English, Finnish or Swedish.

Reports everywhere in the library return plain rows (lists of dicts of str, int, Decimal, bool,
None); this module is the one place that turns them into text, so every command prints alike.
English keeps the stable column names and codes, which scripts read; Finnish and Swedish take
their labels from the message catalogs of :mod:`employment_domain.i18n`, column names and
coded values apart, and write numbers, percentages and dates as the language does. CSV comes in
two dialects: ``standard`` (comma, decimal point, no byte-order mark) for programs, and
``excel-fi`` (semicolon, decimal comma, UTF-8 byte-order mark, CRLF) for Excel with Finnish
settings, which would otherwise put every row in one column and break ä and ö. A spreadsheet
(:func:`render_xlsx`, written with openpyxl) has typed cells: numbers as numbers, euros exact to
the cent with a euro format, percentages as percentages, dates and months as dates.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from employment_domain.i18n import LANGUAGES, language

__all__ = [
    "CSV_DIALECTS",
    "FORMATS",
    "HIDDEN",
    "LANGUAGES",
    "MONEY_COLUMNS",
    "label",
    "render",
    "render_xlsx",
]

FORMATS = ("table", "csv", "json")
#: What a suppressed cell of a published form shows in tables, CSV, spreadsheets and HTML
#: (Statistics Finland's symbol for a figure that is confidential); JSON gives null. A row's
#: ``suppressed`` column names its hidden columns.
HIDDEN = ".."
#: ``standard``: comma-separated, decimal point, no BOM; ``excel-fi``: what Excel with Finnish
#: settings opens as columns: semicolon-separated, decimal comma, a UTF-8 BOM, CRLF line ends.
CSV_DIALECTS = ("standard", "excel-fi")
#: The report columns that hold euros (exact Decimals to the cent): two decimals whatever the
#: language, and a euro number format in a spreadsheet.
MONEY_COLUMNS = frozenset(
    {"costs", "revenues", "net_cost", "amount", "advances", "settlement", "state_subsidies"}
    | {"actual", "budget", "difference", "unit_price", "value_cap", "value_used", "approved"}
    | {"value_left", "invoiced", "rejected", "euros_invoiced_per_participant"}
)
#: The column that names a row's hidden columns in the published form.
_MARKER = "suppressed"
# Columns whose values are codes: shown as text (left-aligned) even when they look numeric.
_CODE_COLUMNS = frozenset({"municipality", "month", "day", "year", "office", "version"})


def label(name: str, lang: str = "en") -> str:
    """The label of a column in ``lang`` (``en`` keeps the stable name, which scripts read)."""
    if lang == "en":
        return name
    return language(lang).column(name)


def _cell(value: Any, lang: str, column: str, *, table: bool = True, comma: bool = False) -> str:
    """A cell's text. English keeps codes and plain numbers (as before there were languages);
    Finnish and Swedish give labels and official names, and in a table numbers, percentages and
    dates as the language writes them. ``comma`` writes a decimal comma (the excel-fi CSV)."""
    if value is None:
        return ""
    if lang == "en":
        text = _text(value)
    elif isinstance(value, bool):
        text = language(lang).yes_no(value)
    elif isinstance(value, date):
        text = language(lang).date(value) if table else value.isoformat()
    elif isinstance(value, str):
        if column == _MARKER:
            text = "; ".join(label(name, lang) for name in value.split(",") if name)
        else:
            text = language(lang).value(value, column)
    elif isinstance(value, list | tuple):
        text = ", ".join(_cell(item, lang, column, table=table) for item in value)
    elif isinstance(value, int | Decimal) and table and column not in _CODE_COLUMNS:
        words = language(lang)
        if column.endswith("_percent"):
            text = words.percent(value)
        else:
            text = words.number(value, money=column in MONEY_COLUMNS)
    else:
        text = _text(value)
    if comma and isinstance(value, Decimal):
        text = text.replace(".", ",")
    return text


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value)
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    return value


def render(
    rows: Sequence[Mapping[str, Any]],
    fmt: str = "table",
    *,
    lang: str = "en",
    title: str | None = None,
    columns: Sequence[str] | None = None,
    dialect: str = "standard",
) -> str:
    """``rows`` as text: an aligned table, CSV with a header, or a JSON array.

    JSON keeps the stable English keys whatever ``lang`` says, so programs can read it; amounts
    stay exact decimal strings. CSV is written in ``dialect`` (one of ``CSV_DIALECTS``): its
    numbers are never grouped, its dates are ISO 8601, and the excel-fi dialect starts with a
    byte-order mark and writes a decimal comma.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; the languages are {', '.join(LANGUAGES)}")
    names = list(columns) if columns is not None else _columns(rows)
    if fmt == "json":
        return json.dumps([_json_value(dict(row)) for row in rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        return _csv(rows, names, lang, dialect)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; the formats are {', '.join(FORMATS)}")
    header = [label(name, lang) for name in names]
    body = [_cells(row, names, lang) for row in rows]
    widths = [max(len(cell) for cell in column) for column in zip(header, *body, strict=False)]
    numeric = [
        bool(body) and name not in _CODE_COLUMNS and all(_looks_numeric(line[i]) for line in body)
        for i, name in enumerate(names)
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, right in zip(cells, widths, numeric, strict=True)
        ).rstrip()

    empty = "(no rows)" if lang == "en" else language(lang).word("title", "no_rows")
    out = [title] if title else []
    out += [line(header), "  ".join("-" * width for width in widths)]
    out += [line(cells) for cells in body] or [empty]
    return "\n".join(out)


def _cells(
    row: Mapping[str, Any],
    names: Sequence[str],
    lang: str,
    *,
    table: bool = True,
    comma: bool = False,
) -> list[str]:
    """A row's cells as text, a suppressed cell as ``HIDDEN``."""
    hidden = set(str(row.get(_MARKER) or "").split(","))
    return [
        HIDDEN if name in hidden else _cell(row.get(name), lang, name, table=table, comma=comma)
        for name in names
    ]


def _csv(rows: Sequence[Mapping[str, Any]], names: Sequence[str], lang: str, dialect: str) -> str:
    """CSV in ``dialect``, without the last line end (the caller ends the output)."""
    if dialect not in CSV_DIALECTS:
        raise ValueError(
            f"unknown CSV dialect {dialect!r}; the dialects are {', '.join(CSV_DIALECTS)}"
        )
    excel = dialect == "excel-fi"
    buffer = io.StringIO()
    end = "\r\n" if excel else "\n"
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator=end)
    writer.writerow([label(name, lang) for name in names])
    for row in rows:
        writer.writerow(_cells(row, names, lang, table=False, comma=excel))
    text = buffer.getvalue()
    text = text[: -len(end)] if text.endswith(end) else text
    return "\ufeff" + text if excel else text


def _columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    names: list[str] = []
    for row in rows:
        for name in row:
            if name not in names:
                names.append(name)
    return names


def _looks_numeric(cell: str) -> bool:
    """Whether a table cell holds a number in any of the languages (grouped by spaces or commas,
    with a decimal point or comma, a minus, a percent sign), to align it to the right."""
    stripped = cell
    for mark in (" ", "\u00a0", "\u202f", "%", ","):
        stripped = stripped.replace(mark, "")
    stripped = stripped.lstrip("-\u2212")
    return stripped.replace(".", "", 1).isdigit() or cell in ("", HIDDEN)


#: A spreadsheet's cells carry no clock: every entry of the file is stamped with this time, so
#: the same rows give the same bytes (as an evidence bundle's entries do).
_XLSX_TIME = (2000, 1, 1, 0, 0, 0)
_EURO_FORMAT = '#,##0.00 "€";-#,##0.00 "€"'


def render_xlsx(
    rows: Sequence[Mapping[str, Any]],
    *,
    lang: str = "en",
    title: str | None = None,
    columns: Sequence[str] | None = None,
    sheet: str = "report",
) -> bytes:
    """``rows`` as an Excel workbook (.xlsx) of one sheet, its header row labelled in ``lang``.

    Cells are typed so that a spreadsheet can add them up: counts are numbers, euros are exact
    decimal numbers (written as their decimal text, so every cent survives) with a euro
    format, a ``*_percent`` column holds the fraction with a percent format, dates are dates
    and a ``month`` (``YYYY-MM``) is the month's first day shown as ``yyyy-mm``. Text and coded
    values are labelled as in a CSV of the same language. ``title`` becomes the document's
    title property. The bytes depend on nothing but the arguments.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; the languages are {', '.join(LANGUAGES)}")
    names = list(columns) if columns is not None else _columns(rows)
    book = Workbook()
    worksheet = book.active
    assert worksheet is not None  # a new workbook always has its first sheet
    worksheet.title = _sheet_name(sheet)
    worksheet.append([label(name, lang) for name in names])
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    date_format = "d.m.yyyy" if lang == "fi" else "yyyy-mm-dd"
    for row in rows:
        values, formats = [], []
        hidden = set(str(row.get(_MARKER) or "").split(","))
        for name in names:
            value, number_format = (
                (HIDDEN, None)
                if name in hidden
                else _xlsx_cell(row.get(name), lang, name, date_format)
            )
            values.append(value)
            formats.append(number_format)
        worksheet.append(values)
        for cell, number_format in zip(worksheet[worksheet.max_row], formats, strict=True):
            if number_format is not None:
                cell.number_format = number_format
    worksheet.freeze_panes = "A2"
    for index, name in enumerate(names, start=1):
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = min(max(len(label(name, lang)), 10) + 2, 60)
    fixed = datetime(*_XLSX_TIME)
    book.properties.creator = "employment_domain"
    book.properties.created = book.properties.modified = fixed
    book.properties.title = title
    book.properties.language = lang
    return _stamped(book)


def _xlsx_cell(value: Any, lang: str, column: str, date_format: str) -> tuple[Any, str | None]:
    """A cell's typed value and its number format (None: the default)."""
    if value is None or isinstance(value, bool):
        return value, None
    if isinstance(value, date):
        return value, date_format
    if isinstance(value, int):
        return value, ("0" if column in _CODE_COLUMNS else "#,##0")
    if isinstance(value, Decimal):
        places = max(-int(value.as_tuple().exponent), 0)
        decimals = "." + "0" * places if places else ""
        if column in MONEY_COLUMNS:
            return value, _EURO_FORMAT
        if column.endswith("_percent"):
            return value / 100, f"0{decimals}%"
        return value, f"#,##0{decimals}"
    if column == "month" and isinstance(value, str) and _is_month(value):
        return date(int(value[:4]), int(value[5:7]), 1), "yyyy-mm"
    return _cell(value, lang, column, table=False), None


def _is_month(text: str) -> bool:
    return len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit()


def _sheet_name(name: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of ``[]:*?/\\``."""
    cleaned = "".join("_" if char in "[]:*?/\\" else char for char in name)
    return cleaned[:31] or "report"


def _stamped(book: Any) -> bytes:
    """The workbook's bytes, every ZIP entry stamped with the fixed time instead of the
    clock's (openpyxl's ``save_workbook`` would also stamp the clock into its properties)."""
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    first = io.BytesIO()
    with zipfile.ZipFile(first, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(first) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            stamped = zipfile.ZipInfo(entry.filename, date_time=_XLSX_TIME)
            stamped.compress_type = zipfile.ZIP_DEFLATED
            stamped.external_attr = entry.external_attr
            with target.open(stamped, "w") as written:
                written.write(source.read(entry.filename))
    return out.getvalue()
