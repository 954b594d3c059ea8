"""Plans are checked before use: known tools, 5-15 steps, numbered, each with an action."""

from __future__ import annotations

from prompt2mesh.agent.plan_validation import is_fatal, salvage, validate_plan
from prompt2mesh.roles.interface import Plan, PlanStep, ToolCall

KNOWN = ["create_primitive", "set_transform", "create_material"]


def make_plan(n: int, tools: list[str] | None = None) -> Plan:
    return Plan(
        steps=[
            PlanStep(number=i, action=f"Step {i}", tools=tools or ["create_primitive"])
            for i in range(1, n + 1)
        ]
    )


def check(plan: object) -> list[str]:
    return validate_plan(plan, KNOWN, min_steps=5, max_steps=15)


def test_a_plan_of_known_tools_within_bounds_is_valid() -> None:
    assert check(make_plan(5)) == []
    assert check(make_plan(15)) == []


def test_an_empty_plan_is_rejected_as_fatal() -> None:
    errors = check(Plan(steps=[]))
    assert errors and "empty" in errors[0]
    assert is_fatal(errors)


def test_unknown_tools_in_hints_and_calls_are_named_with_the_known_ones() -> None:
    plan = make_plan(5, ["make_tree"])
    plan.steps[1].calls.append(ToolCall(tool="explode"))
    errors = check(plan)
    assert any("step 1" in e and "make_tree" in e and "create_primitive" in e for e in errors)
    assert any("step 2" in e and "explode" in e for e in errors)
    assert not is_fatal(errors)


def test_too_few_or_too_many_steps_and_bad_numbering_are_reported() -> None:
    assert any("at least 5" in e for e in check(make_plan(3)))
    assert any("at most 15" in e for e in check(make_plan(16)))
    plan = make_plan(5)
    plan.steps[2].number = 7
    assert any("numbered 1..5" in e for e in check(plan))


def test_a_malformed_plan_is_reported_not_raised() -> None:
    errors = check({"steps": [{"number": 0, "action": ""}]})
    assert errors and all("not well-formed" in e for e in errors)
    assert is_fatal(errors)


def test_salvage_drops_unknown_tools_and_extra_steps_with_warnings() -> None:
    plan = make_plan(17, ["create_primitive", "make_tree"])
    fixed, warnings = salvage(plan, KNOWN, max_steps=15)
    assert len(fixed.steps) == 15
    assert all(s.tools == ["create_primitive"] for s in fixed.steps)
    assert check(fixed) == []
    assert any("cut from 17 to 15" in w for w in warnings)
