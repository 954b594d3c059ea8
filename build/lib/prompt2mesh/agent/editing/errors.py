"""Errors of the conversational-editing pipeline.

EditError                 base
├── EditToolFailed        a worker tool needed to read or change the scene failed
├── NoSceneToEdit         the scene folder has no scene.blend (run `prompt2mesh make` first)
└── TranslationFailed     the model's TaskSpec was invalid twice in a row
"""

from __future__ import annotations


class EditError(Exception):
    code = "edit_error"


class EditToolFailed(EditError):
    code = "edit_tool_failed"


class NoSceneToEdit(EditError):
    code = "no_scene_to_edit"


class TranslationFailed(EditError):
    code = "translation_failed"
