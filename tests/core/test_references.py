import re

from hypothesis import given
from hypothesis import strategies as st

from borough.core.references import luhn_check_digit, reference_generate, reference_normalise


def test_generated_references_are_prefix_and_two_groups_of_four_digits():
    for _ in range(200):
        reference = reference_generate("CDC")
        assert re.fullmatch(r"CDC-[1-9]\d{3}-\d{4}", reference)
        assert reference_normalise(reference) == reference


def test_normalise_accepts_what_people_type():
    reference = reference_generate("WCC")
    digits = reference.replace("WCC-", "").replace("-", "")
    assert reference_normalise(f"wcc {digits[:4]} {digits[4:]}") == reference
    assert reference_normalise(f"WCC{digits}") == reference
    assert reference_normalise("") is None
    assert reference_normalise("WCC-12-34") is None


@given(st.text(alphabet="0123456789", min_size=7, max_size=7), st.integers(0, 6), st.integers(1, 9))
def test_a_single_mistyped_digit_is_caught(body, position, delta):
    digits = body + str(luhn_check_digit(body))
    reference = f"CDC-{digits[:4]}-{digits[4:]}"
    assert reference_normalise(reference) == reference
    wrong = digits[:position] + str((int(digits[position]) + delta) % 10) + digits[position + 1 :]
    assert reference_normalise(f"CDC-{wrong[:4]}-{wrong[4:]}") is None
