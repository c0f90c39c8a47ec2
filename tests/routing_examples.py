"""Routing facts the tests start from and vary: one ordinary client, as the catalogue names them."""

from __future__ import annotations

from typing import Any

#: A 40-year-old Espoo jobseeker in Leppävaara asking for coaching, in no target group, while the
#: office has coaching capacity left and no contract or partner is in play.
COACHING_CLIENT_FACTS: dict[str, Any] = {
    "service_type": "coaching",
    "is_statutory_authority_task": False,
    "age": 40,
    "young": False,
    "foreign_language": False,
    "highly_educated": False,
    "long_term_unemployed": False,
    "integration_phase": False,
    "partially_able_to_work": False,
    "needs_multi_agency_service": False,
    "municipality": "049",
    "district": "leppavaara",
    "in_house_capacity_left": True,
    "purchase_contract_available": False,
    "entity_contract_available": False,
    "partner_agreement": "none",
}
