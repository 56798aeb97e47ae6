"""The crediting rules at every boundary."""
from datetime import date

import pytest

from volunteer.ledger import rules

DEFAULT = rules.CreditRule(version="test")


@pytest.mark.parametrize("minutes, credited", [
    (0, 0), (14, 0), (15, 30), (16, 30), (44, 30), (45, 30), (46, 60), (59, 60), (60, 60),
    (74, 60), (75, 90), (105, 90), (106, 120), (150, 150), (165, 150), (166, 180),
])
def test_each_started_hour_rounds_to_nothing_half_or_full(minutes, credited):
    assert DEFAULT.credit(minutes) == credited


def test_exact_rule_credits_exact_minutes():
    assert rules.CreditRule(version="exact", zero_below=0, full_above=0).credit(47) == 47


@pytest.mark.parametrize("minutes, shift, percent, ok", [
    (71, 120, 60, False), (72, 120, 60, True), (10, 120, None, True), (10, None, 60, True)])
def test_minimum_attendance(minutes, shift, percent, ok):
    assert rules.meets_minimum(minutes, shift, percent) is ok


@pytest.mark.parametrize("total, level", [
    (8 * 60 - 1, "lead"), (8 * 60, "lead"), (8 * 60 + 1, "parent_admin"), (12 * 60, "parent_admin"),
    (12 * 60 + 1, "top_admin")])
def test_daily_limits_at_8_and_12_hours(total, level):
    assert rules.approval_level(total) == level


def test_working_days_skip_weekends_and_holidays():
    friday = date(2027, 3, 12)
    assert rules.working_days_between(friday, date(2027, 3, 15)) == 1  # Monday
    assert rules.working_days_between(friday, date(2027, 3, 26)) == 10
    assert rules.working_days_between(friday, date(2027, 3, 26), frozenset({date(2027, 3, 17)})) == 9


@pytest.mark.parametrize("hours, stars", [(99, 0), (100, 1), (299, 1), (300, 2), (1000, 4), (1500, 5), (9999, 5)])
def test_star_levels(hours, stars):
    assert rules.star_level(hours * 60) == stars
