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


def test_a_stand_in_of_its_own_look_is_warned_about_unless_it_is_the_hosts_own_part() -> None:
    warned = [w for w in understand("A dog in front of a doghouse").warnings if "nearest kind" in w]
    assert warned == [
        "no recipe for 'doghouse': built as the nearest kind I know, house, which has a look of its own"
    ]
    # The sail is the sailboat's own part, not a rug standing in for one.
    assert not [w for w in understand("A small sailboat with a white sail").warnings if "nearest kind" in w]
