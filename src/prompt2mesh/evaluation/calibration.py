"""How well the run's own judgement agrees with the independent checker.

``calibration_auc``: the chance that a prompt the checker passed got a higher final score than
one it failed (ties count half; 0.5 = no signal, 1.0 = perfect; None without both kinds).
``overclaims``: failing prompts the run scored 7 or more (it told the user a wrong model was
good). The same two figures as ``shared/eval/run_suite.py`` prints (``calib_auc``, ``false_conf``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

OVERCLAIM_SCORE = 7.0


@dataclass(frozen=True)
class Calibration:
    auc: float | None
    overclaims: int
    failures: int
    judged: int

    def text(self) -> str:
        auc = f"{self.auc:.2f}" if self.auc is not None else "n/a (needs passing and failing prompts)"
        return (
            f"calibration AUC {auc}, overclaims {self.overclaims}/{self.failures} failing prompts "
            f"scored >= {OVERCLAIM_SCORE:g} ({self.judged} judged)"
        )


def calibration_auc(pairs: Sequence[tuple[bool, float]]) -> float | None:
    """AUC of ``score`` against ``passed`` over ``(passed, score)`` pairs."""
    pos = [s for ok, s in pairs if ok]
    neg = [s for ok, s in pairs if not ok]
    if not pos or not neg:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def calibrate(pairs: Sequence[tuple[bool, float | None]]) -> Calibration:
    """The figures for ``(checker passed, final score)`` pairs; unjudged runs are left out."""
    judged = [(ok, float(s)) for ok, s in pairs if s is not None]
    failures = [s for ok, s in judged if not ok]
    return Calibration(
        auc=calibration_auc(judged),
        overclaims=sum(1 for s in failures if s >= OVERCLAIM_SCORE),
        failures=len(failures),
        judged=len(judged),
    )
