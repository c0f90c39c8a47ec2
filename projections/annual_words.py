"""The annual report's words in English and Finnish: its texts, labels, and numbers (no tables).

Column names and coded values (services, routes, target groups) take the Finnish labels of
``employment_domain.tabulate`` where it has them and the ones here where it does not;
municipalities are shown by their official Finnish names; numbers are grouped by thin spaces,
with a decimal comma in Finnish.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from html import escape
from typing import Any

from employment_domain.tabulate import label
from employment_domain.values import MunicipalityCode, MunicipalityError

from .charts import SUPPRESSED_MARK
from .suppression import MARKER

__all__ = ["LANGUAGES", "Words"]

LANGUAGES = ("en", "fi")
_MONEY = frozenset(
    {"costs", "revenues", "net_cost", "amount", "advances", "settlement", "state_subsidies"}
    | {"actual", "budget", "difference", "unit_price", "value_cap", "value_used", "approved"}
    | {"value_left"}
)
_TEXT: dict[str, tuple[str, str]] = {
    "title": ("Employment area annual report {year}", "Työllisyysalueen vuosiraportti {year}"),
    "intro": (
        "Figures of the business year {year} from the area's event history, computed by the"
        " library's report projections. Published form: every count under {threshold} people in"
        " a cell is suppressed and shown as “{mark}”, and so is any cell from which it could be"
        " worked out with the table's totals or month-to-month changes; the totals shown are the"
        " true totals, and the row is always kept.",
        "Liiketoimintavuoden {year} luvut alueen tapahtumahistoriasta kirjaston raporttien"
        " laskemina. Julkaisumuoto: solun alle {threshold} henkilön lukumäärät on salattu ja"
        " merkitty “{mark}”, samoin solut, joista ne voisi päätellä taulukon summien tai"
        " kuukausimuutosten avulla; näytetyt summat ovat todellisia summia, ja rivit säilyvät"
        " aina.",
    ),
    "cost_split": ("Cost split between the municipalities", "Kustannusten jako kuntien kesken"),
    "cost_chart": (
        "Each municipality's share of the net cost, €",
        "Kuntien osuudet nettokustannuksesta, €",
    ),
    "weights": ("Weights and their source", "Painot ja niiden lähde"),
    "budget": ("Budget against actuals", "Talousarvio ja toteuma"),
    "caseload": ("Monthly caseload", "Asiakasmäärä kuukausittain"),
    "caseload_chart": (
        "Jobseekers with an active job search at month end",
        "Aktiiviset työnhakijat kuukauden lopussa",
    ),
    "groups": (
        "Target groups and offices at year end",
        "Kohderyhmät ja toimipisteet vuoden lopussa",
    ),
    "production": ("In-house against purchased services", "Oma tuotanto ja ostopalvelut"),
    "production_chart": ("Referrals by way of production", "Ohjaukset tuotantotavoittain"),
    "rules": ("Routing decisions and the rules that made them", "Ohjauspäätökset ja säännöt"),
    "deadlines": ("Statutory deadlines", "Lakisääteiset määräajat"),
    "deadlines_chart": ("Held on time, % by month", "Ajallaan pidetyt, % kuukausittain"),
    "outcomes": ("Outcomes", "Tulokset"),
    "procurement": ("Procurement utilisation", "Hankintojen käyttöaste"),
    "structural": ("Structural-change cases", "Rakennemuutostilanteet"),
    "anchor": ("Integrity anchor", "Eheysankkuri"),
    "anchor_text": (
        "The figures come from the history sealed by this anchor; verify it with"
        " `employment-area audit verify`.",
        "Luvut perustuvat tällä ankkurilla sinetöityyn historiaan; tarkista se komennolla"
        " `employment-area audit verify`.",
    ),
    "no_anchor": ("No integrity anchor was given.", "Eheysankkuria ei annettu."),
    "none": ("No rows for this year.", "Ei rivejä tältä vuodelta."),
    "figure": ("Figure", "Tunnusluku"),
    "value": ("Value", "Arvo"),
    "legend": (
        "{mark} = suppressed (a count of 1–{below} people, or a cell that would reveal one)",
        "{mark} = salattu (1–{below} henkilön lukumäärä tai solu, josta sen voisi päätellä)",
    ),
}
#: Finnish labels of the report columns and values that the tabulate module does not name.
_FINNISH = {
    "partner": "kumppanikunnat",
    "in_house_entity": "sidosyksikkö",
    "all": "kaikki",
    "Matinkylä office (Iso Omena)": "Matinkylän toimipiste (Iso Omena)",
    "Leppävaara office (Sello)": "Leppävaaran toimipiste (Sello)",
    "Remote service": "Etäpalvelu",
    "purchased_percent": "ostopalvelut %",
    "used_percent": "käytetty %",
    "seats_held": "varatut paikat",
    "seats_used_percent": "paikoista käytetty %",
    "value_used_percent": "arvosta käytetty %",
    "value_left": "arvoa jäljellä",
    "approved": "hyväksytyt laskut",
    "title": "hankinta",
    "opened_on": "avattu",
    "industry": "toimiala",
    "dismissed_clients_known": "tunnetut asiakkaat",
    "training_referrals": "ohjaukset muutosturvakoulutukseen",
    "training_seats": "muutosturvakoulutuspaikat",
    "job_searches_started": "alkaneet työnhaut",
    "employed": "työllistyneet",
    "observed_3_months": "3 kk seurattu",
    "employed_within_3_months": "työllistyneet 3 kk:ssa",
    "employed_within_3_months_percent": "työllistyneet 3 kk:ssa %",
    "employments_started": "alkaneet työsuhteet",
    "observed_6_months": "6 kk seurattu",
    "lasting_6_months": "kestäneet 6 kk",
    "lasting_6_months_percent": "kestäneet 6 kk %",
    "vacancies_reported": "ilmoitetut työpaikat",
    "vacancies_filled": "täytetyt työpaikat",
    "median_days_to_employment": "mediaani päivää työllistymiseen",
    "median_days_to_fill": "mediaani täyttöaika, päivää",
    "open": "avoin",
    "ended": "päättynyt",
    "contracted": "sopimus voimassa",
}


class Words:
    """The report's words in one language: texts, column labels and cell values."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **values: Any) -> str:
        return _TEXT[key][LANGUAGES.index(self.lang)].format(**values)

    def name(self, value: str) -> str:
        """A column or a coded value as a reader sees it."""
        if self.lang == "fi":
            known = label(value, "fi")
            return _FINNISH.get(value, known) if known == value else known
        return value.replace("_", " ")

    def municipality(self, code: str) -> str:
        try:
            return MunicipalityCode(code).name_fi
        except MunicipalityError:
            return code

    def cell(self, row: Mapping[str, Any], column: str) -> str:
        value = row.get(column)
        hidden = column in str(row.get(MARKER) or "").split(",")
        if hidden:
            return f"<td class=s>{SUPPRESSED_MARK}</td>"
        if value is None:
            return "<td></td>"
        if column == "municipality":
            return f"<td>{escape(self.municipality(str(value)))}</td>"
        if isinstance(value, bool):
            return f"<td>{escape(label('yes' if value else 'no', self.lang))}</td>"
        if isinstance(value, int | Decimal):
            text = self.number(value, money=column in _MONEY)
            if column.endswith("_percent"):
                text += " %"
            return f"<td class=n>{escape(text)}</td>"
        if isinstance(value, date):
            return f"<td>{value.isoformat()}</td>"
        return f"<td>{escape(self.name(str(value)))}</td>"

    def number(self, value: int | Decimal, *, money: bool = False) -> str:
        text = f"{value:,.2f}" if money else f"{value:,}"
        if self.lang == "fi":
            text = text.replace(",", "\u202f").replace(".", ",")
        else:
            text = text.replace(",", "\u202f")
        return text.replace("-", "\u2212")
