"""The words the offline modeller says back about a prompt (roles/offline/understanding.py)."""

from __future__ import annotations

from prompt2mesh.roles.offline.understanding import understand


def test_recoloured_parts_read_as_english_in_the_plan() -> None:
    u = understand("a red mushroom with white spots")
    phrases = [u.phrase(p.spec_id) + u.overrides_of(p.name) for p in u.layout.placements]
    assert any("white spot" in p for p in phrases)
    assert not any("a white spots" in p for p in phrases)
    assert understand("a red cube").phrase(0) == "a red cube"


def test_a_plural_word_takes_no_article() -> None:
    from prompt2mesh.roles.offline.understanding import _article

    assert _article("white", "spots") == ""
    assert _article("white", "glass") == "a "
    assert _article("orange", "scarf") == "an "
