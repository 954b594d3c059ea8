"""Plan review and the plan cache over HTTP (real server, real workers, offline agent, both
databases): a run paused for review holds no worker, edits are validated, approval builds the
edited plan, a passing plan is reused for the same request of the same user, and every new
route answers 404 to anyone but the run's owner."""

from __future__ import annotations

from typing import Any

import pytest

from service.live import LiveServer, User, stream_events

pytestmark = pytest.mark.timeout(400)

PROMPT = "a red cube on a blue table"


def start(user: User, prompt: str = PROMPT, **options: Any) -> str:
    started = user.client.post("/runs", json={"prompt": prompt, "options": options})
    assert started.status_code == 202, started.text
    return str(started.json()["id"])


def until_paused_or_done(user: User, run_id: str, after: int = 0) -> dict[str, Any]:
    events = stream_events(user, run_id, after=after)
    assert events[-1]["type"] == "end", events[-3:]
    run = user.client.get(f"/runs/{run_id}").json()
    assert run["status"] == events[-1]["status"]
    return dict(run)


@pytest.fixture(scope="module")
def paused(alice: User) -> dict[str, Any]:
    """Alice's run, started with "review plan first", as it waits for her."""
    run_id = start(alice, review=True)
    return until_paused_or_done(alice, run_id)


def test_a_run_started_for_review_waits_with_its_plan_and_holds_no_worker(
    server: LiveServer, alice: User, paused: dict[str, Any]
) -> None:
    assert paused["status"] == "awaiting_review" and paused["finished_at"] is None
    assert len(paused["plan"]) >= 5 and paused["refined_prompt"]
    review = paused["review"]
    assert review["status"] == "awaiting" and review["original_plan"] == paused["plan"]
    assert "create_primitive" in review["tools"] and review["changes"] == []
    assert paused["steps"] == [] or all(s["status"] != "accepted" for s in paused["steps"])
    assert server.app_services().workers.info(alice.id).leases == 0


def test_someone_elses_paused_run_is_not_found_on_every_review_route(
    bob: User, paused: dict[str, Any]
) -> None:
    run_id = paused["id"]
    answers = [
        bob.client.get(f"/runs/{run_id}"),
        bob.client.post(f"/runs/{run_id}/plan", json={"steps": paused["plan"]}),
        bob.client.post(f"/runs/{run_id}/plan", json={"refined_prompt": "a green cube"}),
        bob.client.post(f"/runs/{run_id}/approve"),
    ]
    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert {a.json()["error"]["code"] for a in answers} == {"not_found"}


def test_invalid_edits_are_refused_with_what_is_wrong(alice: User, paused: dict[str, Any]) -> None:
    run_id = paused["id"]
    bad_tool = [dict(s) for s in paused["plan"]]
    bad_tool[1]["tools"] = ["summon_dragon"]
    cases = [
        ({"steps": bad_tool}, "step 2 names unknown tools ['summon_dragon']"),
        ({"steps": []}, "the plan is empty"),
        ({"steps": paused["plan"][:2]}, "give at least 5"),
        ({"steps": paused["plan"] * 4}, "give at most 15"),
        ({"steps": [{"description": "no title"}] * 5}, "step 1: action: Field required"),
        ({}, "send either 'steps'"),
        ({"steps": paused["plan"], "refined_prompt": "x"}, "send either 'steps'"),
        ({"refined_prompt": "   "}, "the refined prompt is empty"),
    ]
    for body, message in cases:
        answer = alice.client.post(f"/runs/{run_id}/plan", json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["error"]["code"] in ("plan_invalid", "validation_error")
        assert message in answer.json()["error"]["message"], answer.text
    unchanged = alice.client.get(f"/runs/{run_id}").json()
    assert unchanged["plan"] == paused["plan"] and unchanged["status"] == "awaiting_review"


@pytest.fixture(scope="module")
def approved(alice: User, paused: dict[str, Any]) -> dict[str, Any]:
    """Alice rewords one step and moves the last one first, then approves; the run builds."""
    run_id = paused["id"]
    steps = [{**s, "origin": n} for n, s in enumerate(paused["plan"], start=1)]
    steps[1]["description"] = steps[1]["description"] + " Make it sturdy."
    steps.insert(0, steps.pop())
    edited = alice.client.post(f"/runs/{run_id}/plan", json={"steps": steps})
    assert edited.status_code == 200, edited.text
    seen = edited.json()["event_count"]
    approve = alice.client.post(f"/runs/{run_id}/approve")
    assert approve.status_code == 202, approve.text
    assert approve.json()["status"] == "queued"
    return {"edited": edited.json(), "steps": steps, "run": until_paused_or_done(alice, run_id, after=seen)}


def test_an_approved_edit_is_built_and_the_report_records_the_changes(
    alice: User, paused: dict[str, Any], approved: dict[str, Any]
) -> None:
    edited = approved["edited"]
    assert edited["status"] == "awaiting_review"
    assert [s["action"] for s in edited["plan"]] == [s["action"] for s in approved["steps"]]
    run = approved["run"]
    assert run["status"] == "completed", run["error"]
    assert [s["action"] for s in run["steps"]] == [s["action"] for s in approved["steps"]]
    review = run["report"]["review"]
    assert review["status"] == "approved" and review["original_plan"] == paused["plan"]
    assert any(c.startswith("step 2 edited (description)") for c in review["changes"])
    assert any(c.startswith("steps reordered") for c in review["changes"])
    again = alice.client.post(f"/runs/{paused['id']}/approve")
    assert again.status_code == 409 and again.json()["error"]["code"] == "run_not_awaiting_review"


def test_the_same_request_reuses_the_passing_plan_of_the_same_user_only(
    alice: User, bob: User, approved: dict[str, Any]
) -> None:
    first = approved["run"]
    assert first["totals"]["final_score"] >= 6
    hit = until_paused_or_done(alice, start(alice, "A red cube on the blue table.", review=True))
    assert hit["plan_source"]["kind"] == "cache" and hit["plan_source"]["run_id"] == first["id"]
    assert [s["action"] for s in hit["plan"]] == [s["action"] for s in first["plan"]]
    events = alice.client.get(f"/runs/{hit['id']}/events.json").json()
    reused = [e for e in events if e["type"] == "plan_reused"]
    assert len(reused) == 1 and reused[0]["from_run"] == first["id"] and reused[0]["run_id"] == hit["id"]

    fresh = until_paused_or_done(alice, start(alice, PROMPT, review=True, fresh_plan=True))
    assert fresh["plan_source"]["kind"] == "planner"
    other = until_paused_or_done(alice, start(alice, "a blue cube on a red table", review=True))
    assert other["plan_source"] == {"kind": "planner", "cache": "miss"}
    bobs = until_paused_or_done(bob, start(bob, PROMPT, review=True))
    assert bobs["plan_source"] == {"kind": "planner", "cache": "miss"}


def test_a_changed_refined_prompt_plans_again_and_waits_again(alice: User) -> None:
    run = until_paused_or_done(alice, start(alice, "a green cone", review=True))
    answer = alice.client.post(
        f"/runs/{run['id']}/plan", json={"refined_prompt": "two green cones side by side"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "queued"
    again = until_paused_or_done(alice, run["id"], after=run["event_count"])
    assert again["status"] == "awaiting_review"
    assert again["refined_prompt"] == "two green cones side by side"
    assert again["review"]["changes"] == [
        "refined prompt changed to “two green cones side by side”; re-planned"
    ]
    assert again["plan"] != run["plan"]


@pytest.mark.slow
def test_a_paused_run_stays_paused_across_a_killed_server_and_builds_when_approved(tmp_path: Any) -> None:
    from service.live import signup_and_login
    from service.test_app import ServeProcess, _free_port, _login

    data_dir = tmp_path / "data"
    serve = ServeProcess(data_dir, _free_port()).start()
    try:
        carol = signup_and_login(serve.url, "carol")
        run = until_paused_or_done(carol, start(carol, review=True))
        assert run["status"] == "awaiting_review"
        carol.client.close()
    finally:
        serve.kill()
    again = ServeProcess(data_dir, _free_port()).start()
    try:
        carol = _login(again.url, "carol")
        still = carol.client.get(f"/runs/{run['id']}").json()
        # Not resumed at start (it waits for the person), not marked interrupted, plan intact.
        assert still["status"] == "awaiting_review" and still["plan"] == run["plan"]
        assert carol.client.post(f"/runs/{run['id']}/approve").status_code == 202
        built = until_paused_or_done(carol, run["id"], after=still["event_count"])
        assert built["status"] == "completed", built["error"]
        assert built["report"]["review"]["status"] == "approved"
    finally:
        again.stop()
