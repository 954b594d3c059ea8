"""Prompt suites: build each prompt, check its expectations on the exported scene.glb."""

from __future__ import annotations

from prompt2mesh.evaluation.calibration import Calibration, calibrate, calibration_auc
from prompt2mesh.evaluation.check import check_scene
from prompt2mesh.evaluation.suite import (
    PromptOutcome,
    SuiteItem,
    load_checker,
    load_suite,
    run_suite,
    summary_table,
)

__all__ = [
    "Calibration",
    "calibrate",
    "calibration_auc",
    "PromptOutcome",
    "SuiteItem",
    "check_scene",
    "load_checker",
    "load_suite",
    "run_suite",
    "summary_table",
]
