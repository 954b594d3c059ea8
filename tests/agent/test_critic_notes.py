"""Critic notes of passing steps (6-7) are kept as open issues; 8+ and resumed steps are not."""

from prompt2mesh.agent.critic_notes import open_issues


def step(number: int, score: int, issues: list[str], status: str = "accepted") -> dict:
    return {
        "number": number,
        "action": f"Step {number}",
        "status": status,
        "critiques": [{"score": score, "issues": issues, "suggestions": []}],
    }


def test_a_passing_seven_with_issues_stays_open_but_an_eight_and_a_resumed_step_do_not() -> None:
    steps = [
        step(1, 7, ["star too small"]),
        step(2, 8, ["could be shinier"]),
        step(3, 6, ["garland partly sunk"], status="skipped_resumed"),
        step(4, 6, []),
    ]
    assert open_issues(steps) == [
        {"step": 1, "action": "Step 1", "score": 7, "issues": ["star too small"], "suggestions": []}
    ]
