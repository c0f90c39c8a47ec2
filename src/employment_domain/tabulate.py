"""Rendering plain report rows as a terminal table, CSV or JSON, with English or Finnish labels.

Reports everywhere in the library return plain rows (lists of dicts of str, int, Decimal, bool,
None); this module is the one place that turns them into text, so every command prints alike.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

__all__ = ["FORMATS", "HIDDEN", "LANGUAGES", "label", "render"]

FORMATS = ("table", "csv", "json")
LANGUAGES = ("en", "fi")
#: What a suppressed cell of a published form shows in tables, CSV and HTML (Statistics
#: Finland's symbol for a figure that is confidential); JSON gives null. A row's ``suppressed``
#: column names its hidden columns.
HIDDEN = ".."
#: The column of a published row that names its hidden columns.
_HIDDEN_COLUMNS = "suppressed"

# Finnish column and value labels; anything not listed keeps its English name.
_FINNISH = {
    "municipality": "kunta",
    "municipality_name": "kunnan nimi",
    "population_18_64": "18–64-vuotiaat",
    "unemployed_broad": "työttömät (laaja)",
    "population_share": "osuus 18–64-vuotiaista",
    "unemployed_share": "osuus työttömistä",
    "share": "osuus",
    "amount": "euroa",
    "net_cost": "nettokustannus",
    "year": "vuosi",
    "month": "kuukausi",
    "category": "kululaji",
    "budget": "talousarvio",
    "actual": "toteutunut",
    "difference": "erotus",
    "target_group": "kohderyhmä",
    "office": "toimipiste",
    "clients": "asiakkaat",
    "service_type": "palvelu",
    "route": "tuotantotapa",
    "decisions": "päätökset",
    "rule_ids": "säännöt",
    "initial_interviews": "alkuhaastattelut",
    "on_time": "ajallaan",
    "share_on_time": "osuus ajallaan",
    "job_search_discussions": "työnhakukeskustelut",
    "seats": "paikat",
    "seats_used": "käytetyt paikat",
    "value_cap": "enimmäisarvo",
    "value_used": "käytetty arvo",
    "provider": "tuottaja",
    "employer": "työnantaja",
    "dismissals": "irtisanotut",
    "entitled_55_plus": "oikeutettu 55+",
    "advances": "ennakot",
    "settlement": "tasaus",
    "in_house": "omana tuotantona",
    "purchased": "ostopalveluna",
    "integration": "kotoutumispalvelut",
    "job_placement": "työnvälitys",
    "information_advice": "tieto-, neuvonta- ja ohjauspalvelut",
    "labour_market_training": "työvoimakoulutus",
    "change_security_training": "muutosturvakoulutus",
    "work_try_out": "työkokeilu",
    "training_try_out": "koulutuskokeilu",
    "coaching": "valmennus",
    "expert_assessment": "asiantuntija-arviointi",
    "integration_training": "kotoutumiskoulutus",
    "job_coaching": "työhönvalmennus",
    "employer_services": "työnantajapalvelut",
    "young": "nuoret (alle 30)",
    "young_statistics": "alle 25-vuotiaat",
    "foreign_language": "vieraskieliset",
    "highly_educated": "korkeasti koulutetut",
    "long_term_unemployed": "pitkäaikaistyöttömät",
    "integration_phase": "kotoutumisen alkuvaihe",
    "partially_able_to_work": "täsmätyökykyiset",
    "staff": "henkilöstö",
    "purchased_services": "palvelujen ostot",
    "premises": "toimitilat",
    "ict_and_support_services": "ICT ja tukipalvelut",
    "other": "muut",
    "suppressed": "salattu",
    "total": "yhteensä",
    "started": "alkaneet",
    "restarted": "uudelleen alkaneet",
    "ended": "päättyneet",
    "moved_in": "muuttaneet kuntaan",
    "moved_out": "muuttaneet kunnasta",
    "active": "aktiiviset",
    "deadline": "määräaika",
    "due": "erääntyneet",
    "authority_decision": "viranomaispäätös",
    "initial_interview": "alkuhaastattelu",
    "job_search_discussion": "työnhakukeskustelu",
    "employment_plan": "työllistymissuunnitelma",
    "rule_id": "sääntö",
    "new_rule_id": "uusi sääntö",
    "new_route": "uusi tuotantotapa",
    "act": "lakisääteinen tehtävä",
    "held_on_time": "pidetty ajallaan",
    "held_late": "pidetty myöhässä",
    "overdue": "myöhässä",
    "open": "avoinna",
    "on_time_percent": "ajallaan %",
    "production": "tuotanto",
    "joint": "yhteistuotanto",
    "network": "verkosto",
    "partner": "kumppani",
    "in_house_entity": "sidosyksikkö",
    "referrals": "ohjaukset",
    "area": "työllisyysalue",
    "status": "tila",
    "closed": "suljettu",
    "provisional": "alustava",
    "closed_on": "suljettu",
    "costs": "kustannukset",
    "revenues": "tuotot",
    "population_reference_date": "väestön poimintapäivä",
    "unemployed_reference_date": "työttömien poimintapäivä",
    "state_subsidies": "valtionosuudet",
    "weights_version": "painojen lähde",
    "weights_reference": "painojen peruste",
    "check": "tarkistus",
    "subject": "kohde",
    "message": "havainto",
}
# Columns whose values are codes: shown as text (left-aligned) even when they look numeric.
_CODE_COLUMNS = frozenset({"municipality", "month", "day", "year", "office", "version"})


def label(name: str, lang: str = "en") -> str:
    """The label of a column or a coded value in ``lang`` (``en`` keeps the code)."""
    if lang == "fi":
        return _FINNISH.get(name, name)
    return name


def _municipality_name(code: str) -> str | None:
    """The official Finnish name of a municipality code, or None for any other text."""
    from employment_domain.values import MunicipalityCode, MunicipalityError

    try:
        return MunicipalityCode(code).name_fi
    except MunicipalityError:
        return None


def _cell(value: Any, lang: str, column: str) -> str:
    """A cell's text; in Finnish a municipality code becomes its official Finnish name."""
    if lang == "fi" and column == "municipality" and isinstance(value, str):
        name = _municipality_name(value)
        if name is not None:
            return name
    return _text(value, lang)


def _text(value: Any, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("kyllä" if value else "ei") if lang == "fi" else ("yes" if value else "no")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return label(value, lang)
    if isinstance(value, list | tuple):
        return ", ".join(_text(item, lang) for item in value)
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
) -> str:
    """``rows`` as text: an aligned table, CSV with a header, or a JSON array.

    JSON keeps the stable English keys whatever ``lang`` says, so programs can read it; amounts
    stay exact decimal strings.
    """
    names = list(columns) if columns is not None else _columns(rows)
    if fmt == "json":
        return json.dumps([_json_value(dict(row)) for row in rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([label(name, lang) for name in names])
        for row in rows:
            writer.writerow(_cells(row, names, lang))
        return buffer.getvalue().rstrip("\n")
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

    out = [title] if title else []
    out += [line(header), "  ".join("-" * width for width in widths)]
    out += [line(cells) for cells in body] or ["(no rows)"]
    return "\n".join(out)


def _cells(row: Mapping[str, Any], names: Sequence[str], lang: str) -> list[str]:
    """A row's cells as text, a suppressed cell as ``HIDDEN``."""
    hidden = set(str(row.get(_HIDDEN_COLUMNS) or "").split(","))
    return [HIDDEN if name in hidden else _cell(row.get(name), lang, name) for name in names]


def _columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    names: list[str] = []
    for row in rows:
        for name in row:
            if name not in names:
                names.append(name)
    return names


def _looks_numeric(cell: str) -> bool:
    stripped = cell.replace(" ", "").replace("%", "").lstrip("-")
    return stripped.replace(".", "", 1).isdigit() or cell in ("", HIDDEN)
