"""Every valid identity code and business ID is accepted; every one-character corruption is not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from employment_domain import (
    BusinessId,
    BusinessIdError,
    PersonalIdentityCode,
    PersonalIdentityCodeError,
)
from employment_domain.testing.strategies import business_ids, personal_identity_codes

_CHECK_ALPHABET = "0123456789ABCDEFHJKLMNPRSTUVWXY"
# The century sign is not covered by the check character: the signs of one century (for example
# '-' and 'Y') are equivalent by law since 2023, and a sign of another century names another
# birth date that may be valid. So corruptions are drawn over the digits and the check character.
_PIC_CHECKED_POSITIONS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10]


@given(personal_identity_codes())
def test_every_generated_identity_code_is_accepted_again(code: PersonalIdentityCode) -> None:
    assert PersonalIdentityCode(code.code) == code


@given(personal_identity_codes(), st.sampled_from(_PIC_CHECKED_POSITIONS), st.data())
def test_every_single_character_corruption_of_an_identity_code_is_refused(
    code: PersonalIdentityCode, position: int, data: st.DataObject
) -> None:
    original = code.code[position]
    alphabet = _CHECK_ALPHABET if position == 10 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != original]))
    corrupted = code.code[:position] + replacement + code.code[position + 1 :]
    with pytest.raises(PersonalIdentityCodeError):
        PersonalIdentityCode(corrupted)


@given(business_ids())
def test_every_generated_business_id_is_accepted_again(business_id: BusinessId) -> None:
    assert BusinessId(business_id.value) == business_id


@given(business_ids(), st.sampled_from([0, 1, 2, 3, 4, 5, 6, 8]), st.data())
def test_every_single_character_corruption_of_a_business_id_is_refused(
    business_id: BusinessId, position: int, data: st.DataObject
) -> None:
    original = business_id.value[position]
    replacement = data.draw(st.sampled_from([c for c in "0123456789" if c != original]))
    corrupted = business_id.value[:position] + replacement + business_id.value[position + 1 :]
    with pytest.raises(BusinessIdError):
        BusinessId(corrupted)
