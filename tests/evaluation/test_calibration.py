"""Calibration: AUC of the final score against the checker's verdict, and overclaims."""

from __future__ import annotations

from prompt2mesh.evaluation import calibrate, calibration_auc


def test_a_score_that_separates_right_from_wrong_has_auc_1() -> None:
    assert calibration_auc([(True, 9), (True, 8), (False, 3), (False, 5)]) == 1.0


def test_a_score_that_says_nothing_has_auc_one_half() -> None:
    assert calibration_auc([(True, 9), (False, 9), (True, 9), (False, 9)]) == 0.5


def test_auc_needs_both_kinds_of_prompt() -> None:
    assert calibration_auc([(True, 9), (True, 3)]) is None


def test_overclaims_count_failing_prompts_scored_7_or_more() -> None:
    c = calibrate([(True, 9), (False, 7), (False, 6.9), (False, None), (True, None)])
    assert (c.overclaims, c.failures, c.judged) == (1, 2, 3)
    assert "overclaims 1/2" in c.text()
