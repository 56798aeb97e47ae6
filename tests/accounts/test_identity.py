"""Resident ID numbers, ages, phone numbers and the masks they are shown with: pure functions,
no app and no database."""
import re
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel
from hypothesis import given
from hypothesis import strategies as st

from volunteer.accounts.identity import (
    InvalidIdNumber,
    ResidentId,
    age_on,
    check_digit,
    is_valid_phone,
    mask_email,
    mask_id_number,
    mask_name,
    mask_phone,
    normalise_phone,
    parse_id_number,
)

TODAY = date(2026, 11, 21)


def standard_check_digit(first17: str) -> str:
    """GB 11643-1999 written out from the standard, not from the code under test: the digit at
    position i (18 is the leftmost, 1 the check) weighs 2^(i-1) mod 11, and the check character
    makes the weighted sum of all 18 congruent to 1 mod 11 (X stands for 10)."""
    total = sum(int(digit) * pow(2, 17 - index, 11) for index, digit in enumerate(first17))
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def with_check_digit(first17: str) -> str:
    return first17 + standard_check_digit(first17)


# Region 532128, born 29 December 1987, sequence 357: no 0 anywhere, so every weight counts.
NO_ZERO_DIGIT = with_check_digit("53212819871229357")
BORN_TOMORROW = with_check_digit("11010520261122001")


@pytest.mark.parametrize("number, born, gender", [
    ("11010519491231002X", date(1949, 12, 31), "female"),   # the standard's own example
    ("440524188001010014", date(1880, 1, 1), "male"),
    (NO_ZERO_DIGIT, date(1987, 12, 29), "male"),
])
def test_valid_id_numbers_give_birth_date_and_gender(number, born, gender):
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.number == number
    assert parsed.birth_date == born
    assert parsed.gender == gender


def test_lowercase_x_and_spaces_are_accepted():
    assert parse_id_number(" 11010519491231002x ").number == "11010519491231002X"
    assert parse_id_number("110105 19491231 002X").number == "11010519491231002X"


@pytest.mark.parametrize("number, message", [
    ("110105194912310021", "check digit"),    # X expected
    ("440524188001010015", "check digit"),
    ("110105194902300028", "birth date"),     # 30 February
    ("110105194913010020", "birth date"),     # month 13
    ("11010519491231002", "18 characters"),
    ("1101051949123100211", "18 characters"),
    ("", "18 characters"),
    ("11010519491231002Y", "17 digits"),
    ("01010519491231002X", "17 digits"),      # region cannot start with 0
])
def test_bad_id_numbers_are_refused_with_a_clear_message(number, message):
    with pytest.raises(InvalidIdNumber) as info:
        parse_id_number(number, today=TODAY)
    assert message in str(info.value.message)


@pytest.fixture
def in_chinese():
    """A request in Chinese, with the app's catalog and nothing else of the app (no database)."""
    app = Flask(__name__, root_path=str(Path(__file__).resolve().parents[2]))
    Babel(app, locale_selector=lambda: "zh")
    with app.test_request_context():
        yield


@pytest.mark.parametrize("number", ["110105194912310021", "110105194902300028", "11010519491231002",
                                    "11010519491231002Y", BORN_TOMORROW])
def test_every_refusal_reads_in_chinese(in_chinese, number):
    with pytest.raises(InvalidIdNumber) as info:
        parse_id_number(number, today=TODAY)
    assert re.search(r"[\u4e00-\u9fff]", str(info.value.message)), str(info.value.message)


def test_the_length_message_says_how_many_characters_were_typed():
    with pytest.raises(InvalidIdNumber) as info:
        parse_id_number("11010519491231002", today=TODAY)
    assert "this one has 17" in str(info.value.message)


def test_birth_date_in_the_future_is_refused():
    with pytest.raises(InvalidIdNumber) as info:
        parse_id_number(BORN_TOMORROW, today=TODAY)
    assert "future" in str(info.value.message)
    # without a day given, today's date is the limit
    with pytest.raises(InvalidIdNumber):
        parse_id_number(with_check_digit("11010529990101001"))


def test_a_baby_born_today_can_be_registered():
    assert parse_id_number(with_check_digit("11010520261121001"), today=TODAY).birth_date == TODAY


def test_check_digit_of_the_standard_example():
    assert check_digit("11010519491231002") == "X"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_digit_follows_the_standard_for_any_digits(first17):
    assert check_digit(first17) == standard_check_digit(first17)


def test_every_other_check_character_is_refused():
    for wrong in set("0123456789X") - {NO_ZERO_DIGIT[-1]}:
        with pytest.raises(InvalidIdNumber) as info:
            parse_id_number(NO_ZERO_DIGIT[:17] + wrong, today=TODAY)
        assert "check digit" in str(info.value.message)


def test_one_mistyped_digit_anywhere_is_refused():
    """Every weight is non-zero modulo the prime 11: changing any one digit changes the check."""
    for position in range(17):
        for digit in "0123456789":
            typo = NO_ZERO_DIGIT[:position] + digit + NO_ZERO_DIGIT[position + 1:]
            if typo != NO_ZERO_DIGIT:
                with pytest.raises(InvalidIdNumber):
                    parse_id_number(typo, today=TODAY)


@pytest.mark.parametrize("born, day, age", [
    (date(2008, 6, 15), date(2026, 6, 14), 17),   # the eve of the 18th birthday: still a minor
    (date(2008, 6, 15), date(2026, 6, 15), 18),   # the birthday itself
    (date(2008, 6, 15), date(2026, 5, 20), 17),   # a later day of an earlier month
    (date(2008, 6, 15), date(2026, 7, 1), 18),    # an earlier day of a later month
    (date(2008, 2, 29), date(2026, 2, 28), 17),   # born on 29 February: not yet in a common year
    (date(2008, 2, 29), date(2026, 3, 1), 18),    # ... but from 1 March
    (date(2008, 2, 29), date(2028, 2, 29), 20),   # and on the day itself in a leap year
    (date(2026, 11, 21), date(2026, 11, 21), 0),  # born today
])
def test_age_counts_completed_years(born, day, age):
    assert age_on(born, day) == age


def test_an_id_number_tells_the_age_on_a_day():
    resident = parse_id_number(with_check_digit("11010520080229001"), today=TODAY)
    assert isinstance(resident, ResidentId)
    assert (resident.age_on(date(2026, 2, 28)), resident.age_on(date(2026, 3, 1))) == (17, 18)


def test_masks():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_name("王小明") == "王**"
    assert mask_name("王") == "王*"  # a one-character name is not shown whole either
    assert mask_id_number(None) == "" and mask_phone(None) == "" and mask_name(None) == ""


@pytest.mark.parametrize("phone", ["6512345", "65123456", "651234567", "6512345678", "13800138000",
                                   "+8613800138000"])
def test_a_masked_phone_hides_at_least_four_digits_and_keeps_the_last_ones(phone):
    masked = mask_phone(phone)
    assert len(masked) == len(phone)
    assert masked.count("*") >= 4
    shown = [(i, c) for i, c in enumerate(masked) if c != "*"]
    assert all(phone[i] == c for i, c in shown)
    assert masked.endswith(phone[-3:])  # what its owner recognises it by
    assert len(masked.split("*")[0]) <= 3  # at most the first three (a country code, a prefix)


def test_a_short_phone_is_hidden_whole():
    assert mask_phone("110") == "***"
    assert mask_phone("123456") == "******"


@pytest.mark.parametrize("email, masked", [
    ("zhang.san@example.com", "z***@example.com"),
    ("a@b.cn", "a***@b.cn"),   # the mask does not tell how long the name is
    (None, ""), ("", ""),
])
def test_masked_email_keeps_the_first_letter_and_the_domain(email, masked):
    assert mask_email(email) == masked


@pytest.mark.parametrize("phone, ok", [
    ("13800138000", True), ("19912345678", True), ("12800138000", False),
    ("1380013800", False), ("138001380001", False), ("+8613800138000", False), ("", False), (None, False),
])
def test_phone_pattern(phone, ok):
    assert is_valid_phone(phone) is ok


def test_a_phone_typed_with_spaces_or_dashes_is_the_same_number():
    assert normalise_phone(" 138 0013-8000 ") == "13800138000"
    assert normalise_phone(None) == ""
