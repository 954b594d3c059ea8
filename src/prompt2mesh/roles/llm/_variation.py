"""The words that ask a model for a variation instead of the obvious design."""

from __future__ import annotations


def variation_note(variation: int) -> str:
    """Appended to the request of variation ``variation`` (nothing for the plain run)."""
    if variation <= 0:
        return ""
    return (
        f"\n\nThis is variation {variation} of several of the same request, shown side by side: make a "
        "new design, with other proportions, shades within each asked colour, arrangement and details "
        "than the most obvious one. Keep everything the request asks for (objects, counts, colours, "
        "sizes, relations)."
    )
