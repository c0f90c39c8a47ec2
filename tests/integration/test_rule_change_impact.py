"""What a rule change would change, decision by decision, with its purchased seats and euros.

The case is checked by hand from the 0.1.0 store: when the rule that buys trainings under a
purchase contract ends on 1.6.2025, every training it bought from then on would be decided by
the next rule instead, each freeing one purchased seat at its contract's unit price.
"""

from __future__ import annotations

import shutil
from datetime import date
from importlib.resources import as_file, files
from pathlib import Path
from uuid import UUID

import pytest
import yaml

from employment_domain import Money, Rulebook, default_rulebook, open_for_audit
from employment_domain.audit.recorded_decisions import recorded_decisions
from employment_domain.audit.rule_change import rule_change_impact

RELEASE = Path(__file__).parent.parent / "stores" / "release-0.1.0" / "area.db"
ENDS = date(2025, 6, 1)


@pytest.fixture
def ended_rule_folder(tmp_path: Path) -> Path:
    with as_file(files("employment_domain.rules")) as packaged:
        folder = tmp_path / "rules"
        shutil.copytree(packaged, folder)
    path = folder / "routing" / "partners_and_purchases.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for rule in data["rules"]:
        if rule["id"] == "training_purchased":
            rule["valid_until"] = ENDS.isoformat()
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def test_ending_the_purchase_rule_lists_each_decision_it_bought_and_the_euros_it_frees(
    ended_rule_folder: Path,
) -> None:
    area = open_for_audit(str(RELEASE))
    try:
        bought = [
            recorded
            for recorded in recorded_decisions(area)
            if recorded.decision.rule_id == "training_purchased"
            and recorded.decision.decided_on is not None
            and recorded.decision.decided_on >= ENDS
        ]
        prices: dict[str | None, Money] = {}
        for r in bought:
            price = area.get_procurement(UUID(str(r.decision.procurement_id))).unit_price
            assert price is not None, "a contract that bought a seat has its price"
            prices[r.decision.procurement_id] = price
        impact = rule_change_impact(
            area, default_rulebook(), Rulebook.load(ended_rule_folder / "routing")
        )
    finally:
        area.close()
    assert bought, "the store holds trainings bought after the rule would end"
    assert sorted(c.referral_id for c in impact.changed) == sorted(r.referral_id for r in bought)
    assert all(c.route == "purchased" and c.new_route != "purchased" for c in impact.changed)
    assert impact.seats_change == -len(bought)
    expected = sum((prices[r.decision.procurement_id] for r in bought), Money.zero())
    assert impact.euros_change == Money.zero() - expected
    data = impact.as_data()
    assert data["decisions_changed"] == len(bought)
    assert data["purchased_euros_change"] == str((Money.zero() - expected).amount)
    assert sum(row["decisions"] for row in data["by_service_type_and_route"]) == len(bought)


def test_the_rulebook_in_force_changes_no_recorded_decision() -> None:
    area = open_for_audit(str(RELEASE))
    try:
        impact = rule_change_impact(area, default_rulebook(), default_rulebook())
    finally:
        area.close()
    assert impact.total > 0 and impact.changed == () and impact.euros_change == Money.zero()
