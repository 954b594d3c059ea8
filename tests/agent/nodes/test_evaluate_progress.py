"""evaluate_progress warns about problems named again and again in recent critiques."""

from __future__ import annotations

from prompt2mesh.agent.nodes.evaluate_progress import recurring_issues
from prompt2mesh.agent.state import new_step_record


def test_an_issue_in_two_of_the_last_three_critiques_is_recurring() -> None:
    steps = [new_step_record({"number": i, "action": "x"}) for i in (1, 2, 3)]
    steps[0]["critiques"] = [{"issues": ["Floating ornaments"]}]
    steps[1]["critiques"] = [{"issues": ["too dark"]}, {"issues": ["floating ornaments", "too dark"]}]
    steps[2]["critiques"] = [{"issues": ["never seen"]}]
    assert sorted(recurring_issues(steps, upto=1)) == ["floating ornaments", "too dark"]
    assert recurring_issues(steps, upto=2) == ["too dark"]
