"""Errors of the evaluation package.

EvaluationError
└── SuiteFormatError   a suite file is not valid JSONL of {id, prompt, expect}
"""

from __future__ import annotations


class EvaluationError(RuntimeError):
    """Base of every error raised by the evaluation package."""


class SuiteFormatError(EvaluationError):
    """A suite line is not JSON, or lacks ``prompt`` / has a malformed ``expect``."""
