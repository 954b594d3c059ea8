"""Errors of the offline roles.

OfflineError
└── SceneReadError   an inspection tool the critic or planner relies on failed
"""

from __future__ import annotations


class OfflineError(RuntimeError):
    """Base of every error raised by the offline roles."""


class SceneReadError(OfflineError):
    """An inspection tool (get_scene_info, get_bounding_boxes, ...) answered with an error."""
