from datetime import date

import pytest

from volunteer.accounts.identity import (
    InvalidIdNumber,
    check_digit,
    is_valid_phone,
    mask_id_number,
    mask_name,
    mask_phone,
    parse_id_number,
)


@pytest.mark.parametrize("number, born, gender", [
    ("11010519491231002X", date(1949, 12, 31), "female"),
    ("440524188001010014", date(1880, 1, 1), "male"),
])
def test_valid_id_numbers_give_birth_date_and_gender(app, number, born, gender):
    with app.app_context():
        parsed = parse_id_number(number, today=date(2026, 11, 21))
    assert parsed.number == number
    assert parsed.birth_date == born
    assert parsed.gender == gender


def test_lowercase_x_and_spaces_are_accepted(app):
    with app.app_context():
        assert parse_id_number(" 11010519491231002x ").number == "11010519491231002X"


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
def test_bad_id_numbers_are_refused_with_a_clear_message(app, number, message):
    with app.test_request_context("/api/v1/", headers={"Accept-Language": "en"}):
        with pytest.raises(InvalidIdNumber) as info:
            parse_id_number(number, today=date(2026, 11, 21))
        assert message in str(info.value.message)


def test_birth_date_in_the_future_is_refused(app):
    first17 = "11010520300101001"
    with app.test_request_context(), pytest.raises(InvalidIdNumber):
        parse_id_number(first17 + check_digit(first17), today=date(2026, 11, 21))


def test_check_digit_of_the_standard_example():
    assert check_digit("11010519491231002") == "X"


def test_masks():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_name("王小明") == "王**"
    assert mask_id_number(None) == "" and mask_phone(None) == ""


@pytest.mark.parametrize("phone, ok", [
    ("13800138000", True), ("19912345678", True), ("12800138000", False),
    ("1380013800", False), ("138001380001", False), ("+8613800138000", False), ("", False),
])
def test_phone_pattern(phone, ok):
    assert is_valid_phone(phone) is ok
