"""The focus stack resolves pronouns in the spec's priority order with the spec's confidences."""

from __future__ import annotations

from prompt2mesh.agent.editing.focus import MAX_COMMANDS, FocusStack, mentions_pronoun


def full_stack() -> FocusStack:
    stack = FocusStack()
    stack.record_mentioned(["Mentioned"])
    stack.record_created(["Created"])
    stack.record_modified(["Modified"])
    stack.set_selection(["Selected"], active="Active")
    return stack


def test_selection_wins_with_full_confidence() -> None:
    res = full_stack().resolve()
    assert (res.objects, res.source, res.confidence) == (["Selected"], "selection", 1.0)


def test_each_source_takes_over_in_priority_order_when_the_ones_above_are_gone() -> None:
    stack = full_stack()
    expected = [
        ("selection", 1.0, "Selected"),
        ("last_modified", 0.9, "Modified"),
        ("last_created", 0.85, "Created"),
        ("last_mentioned", 0.8, "Mentioned"),
        ("active", 0.7, "Active"),
    ]
    alive = {"Selected", "Modified", "Created", "Mentioned", "Active"}
    for source, confidence, name in expected:
        res = stack.resolve(alive)
        assert (res.source, res.confidence, res.objects) == (source, confidence, [name])
        alive.discard(name)
    res = stack.resolve(alive)
    assert (res.source, res.confidence, res.objects) == ("unresolved", 0.0, [])


def test_a_singular_pronoun_takes_the_latest_object_and_a_plural_takes_the_group() -> None:
    stack = FocusStack()
    stack.record_created(["Ball", "Ball_2", "Ball_3"])
    assert stack.resolve().objects == ["Ball_3"]
    assert stack.resolve(plural=True).objects == ["Ball", "Ball_2", "Ball_3"]


def test_deleted_objects_are_forgotten_everywhere() -> None:
    stack = full_stack()
    stack.forget(["Selected", "Modified", "Active"])
    assert stack.resolve().source == "last_created"
    assert stack.active is None


def test_only_the_last_twenty_commands_are_kept_and_survive_a_round_trip() -> None:
    stack = full_stack()
    for i in range(MAX_COMMANDS + 5):
        stack.record_command(f"command {i}")
    restored = FocusStack.from_dict(stack.to_dict())
    assert list(restored.commands) == [f"command {i}" for i in range(5, MAX_COMMANDS + 5)]
    assert restored.resolve().objects == ["Selected"]
    assert restored.last_modified == ["Modified"]


def test_pronouns_are_recognised_in_commands() -> None:
    assert mentions_pronoun("make it taller")
    assert mentions_pronoun("now make that one gold")
    assert mentions_pronoun("paint them blue")
    assert not mentions_pronoun("make the table taller")
