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
    exact = rules.CreditRule(version="exact", zero_below=0, full_above=0)
    assert (exact.credit(47), exact.credit(1)) == (47, 1)


def test_a_rule_without_half_hours_counts_a_started_hour_whole_from_its_threshold():
    whole = rules.CreditRule(version="whole", zero_below=15, full_above=0)
    assert [whole.credit(m) for m in (14, 15, 60, 74, 75)] == [0, 60, 60, 60, 120]


@pytest.mark.parametrize("zero_below, full_above", [(15, 45), (0, 0), (0, 30), (20, 0)])
def test_no_minutes_credit_nothing_whatever_the_rule(zero_below, full_above):
    rule = rules.CreditRule(version="any", zero_below=zero_below, full_above=full_above)
    assert rule.credit(0) == 0 and rule.credit(-5) == 0


@pytest.mark.parametrize("minutes, shift, percent, ok", [
    (71, 120, 60, False), (72, 120, 60, True), (10, 120, None, True), (10, None, 60, True),
    (71, 143, 50, False), (72, 143, 50, True),  # half of 143 minutes is 71.5: 71 is not enough
])
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


@pytest.mark.parametrize("stars, hours", [(1, 100), (2, 300), (3, 600), (4, 1000), (5, 1500)])
def test_each_star_comes_with_its_hour_not_a_minute_before(stars, hours):
    """DESIGN.md's default levels: 100, 300, 600, 1,000 and 1,500 approved hours."""
    assert rules.star_level(hours * 60 - 1) == stars - 1
    assert rules.star_level(hours * 60) == stars


def test_a_region_may_set_its_own_star_levels():
    assert rules.star_level(500 * 60, (100, 200, 500, 800, 1000)) == 3


def test_minutes_to_the_next_star():
    from volunteer.ledger.rules import minutes_to_next_star
    assert minutes_to_next_star(0) == 100 * 60
    assert minutes_to_next_star(100 * 60 - 1) == 1
    assert minutes_to_next_star(100 * 60) == 200 * 60          # reached the first: the second is at 300 h
    assert minutes_to_next_star(1500 * 60 - 30) == 30
    assert minutes_to_next_star(1500 * 60) is None             # the highest star has no next
    assert minutes_to_next_star(50, (1, 2)) == 10
