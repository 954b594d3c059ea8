"""The plan cache: the strict similarity rule on pairs of prompts, what is stored, and a run
that starts from a cached plan (scripted model, real worker)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from prompt2mesh.agent.plan_cache import (
    LOCAL_OWNER,
    CachedPlan,
    JsonPlanCacheStore,
    PlanCache,
    planner_of,
    signature,
)
from prompt2mesh.agent.runner import run_make
from prompt2mesh.config import Settings
from prompt2mesh.workers.session import open_local_worker

SAME = [
    ("a red cube on a blue table", "A red cube on the blue table."),
    ("two red cubes on a blue table", "2 red cubes on a blue table"),
    ("Create a decorated Christmas tree", "a decorated christmas tree"),
    ("a blue table and a red cube on it", "a blue table and a red cube on it!"),
    ("a 2 m cube", "a 2m cube"),
]

DIFFERENT = [
    ("a red cube on a blue table", "a blue cube on a red table"),  # colours swapped
    ("a red cube on a blue table", "two red cubes on a blue table"),  # count
    ("a red cube on a blue table", "a red cube under a blue table"),  # relation
    ("a red cube on a blue table", "a red sphere on a blue table"),  # subject
    ("a red cube on a blue table", "a big red cube on a blue table"),  # size word
    ("a red cube on a blue table", "a red cube on a blue table with a dragon"),  # one more thing
    ("a red cube on a blue table", "a red wooden cube on a blue table"),  # material
    ("a 2 m cube", "a 5 m cube"),  # measurement
    ("three green chairs around a round table", "four green chairs around a round table"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_prompts_that_say_the_same_thing_share_a_key(a: str, b: str) -> None:
    assert signature(a) is not None and signature(a) == signature(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_prompts_that_differ_in_subject_count_colour_relation_or_size_never_match(a: str, b: str) -> None:
    assert signature(a) != signature(b)


def test_the_persons_words_count_too_when_the_refined_prompt_left_a_detail_out() -> None:
    brief = "A wooden chair, 45 cm seat height"
    assert signature(brief, "a wooden chair with four legs") == signature(brief, "A wooden chair with 4 legs")
    assert signature(brief, "a wooden chair with four legs") != signature(
        brief, "a wooden chair with three legs"
    )


def test_a_prompt_without_any_subject_is_never_cached() -> None:
    assert signature("something nice, please") is None


def entry(key: str, owner: str, run_id: str, created_at: float) -> CachedPlan:
    return CachedPlan(
        key=key,
        owner=owner,
        run_id=run_id,
        prompt="p",
        refined_prompt="p",
        plan=[{"number": 1, "action": "Build"}],
        final_score=8,
        created_at=created_at,
    )


def test_the_json_store_finds_the_owners_newest_entry_and_everyones_only_when_asked(tmp_path: Path) -> None:
    store = JsonPlanCacheStore(tmp_path / "cache.json")
    store.put(entry("k", "ann", "run-1", 1.0))
    store.put(entry("k", "ann", "run-2", 2.0))  # replaces ann's older entry
    store.put(entry("k", "bob", "run-3", 3.0))
    found = store.find("k", "ann")
    assert found is not None and found.run_id == "run-2"
    assert store.find("k", "cyd") is None
    shared = store.find("k", None)
    assert shared is not None and shared.run_id == "run-3"
    assert store.find("other", None) is None


def report(status: str = "completed", score: int | None = 8, **extra: Any) -> dict[str, Any]:
    return {
        "run_id": "run-1",
        "prompt": "a red cube on a blue table",
        "refined_prompt": "A red cube, 1 m, on a blue table",
        "plan": [{"number": 1, "action": "Build"}],
        "status": status,
        "totals": {"final_score": score},
        **extra,
    }


async def test_only_completed_runs_at_or_above_the_pass_mark_are_remembered(tmp_path: Path) -> None:
    cache = PlanCache(JsonPlanCacheStore(tmp_path / "cache.json"), owner=LOCAL_OWNER, pass_score=6)
    assert await cache.remember(report(score=5)) is None
    assert await cache.remember(report(status="halted")) is None
    assert await cache.remember(report(score=None)) is None
    assert await cache.remember(report(plan_source={"kind": "cache", "run_id": "run-0"})) is None
    stored = await cache.remember(report(score=6))
    assert stored is not None and stored.refined_prompt == "a red cube 1 m on a blue table"
    hit = await cache.lookup("a red cube, 1 m, on a blue table.", "A red cube on the blue table")
    assert hit is not None and hit.run_id == "run-1"
    assert await cache.lookup("A red cube, 1 m, under a blue table", "a red cube under a blue table") is None
    assert await cache.lookup("a red cube, 1 m, on a blue table.", "two red cubes on a blue table") is None


async def test_a_shared_cache_finds_other_owners_plans_and_a_private_one_does_not(tmp_path: Path) -> None:
    store = JsonPlanCacheStore(tmp_path / "cache.json")
    await PlanCache(store, owner="bob").remember(report())
    words = "a red cube on a blue table"
    assert await PlanCache(store, owner="ann").lookup("A red cube, 1 m, on a blue table", words) is None
    shared = await PlanCache(store, owner="ann", shared=True).lookup(
        "A red cube, 1 m, on a blue table", words
    )
    assert shared is not None and shared.owner == "bob"


async def test_a_plan_serves_only_the_planner_that_made_it(tmp_path: Path) -> None:
    store = JsonPlanCacheStore(tmp_path / "cache.json")
    offline = planner_of(Settings(provider="offline"))
    await PlanCache(store, owner="ann", planner=offline).remember(report())
    words, refined = "a red cube on a blue table", "A red cube, 1 m, on a blue table"
    assert await PlanCache(store, owner="ann", planner=offline).lookup(refined, words) is not None
    for other in (
        planner_of(Settings(provider="anthropic")),
        planner_of(Settings(provider="openai", model="gpt-4o")),
        "offline:0123456789abcdef",  # the built-in modeller as an older version of its code was
    ):
        assert await PlanCache(store, owner="ann", planner=other).lookup(refined, words) is None


def test_the_offline_planner_is_known_by_a_fingerprint_of_its_code() -> None:
    offline = planner_of(Settings(provider="offline"))
    assert offline.startswith("offline:") and len(offline) == len("offline:") + 16
    assert planner_of(Settings(provider="openai", model="gpt-4o")) == "openai:gpt-4o"


@pytest.mark.slow
@pytest.mark.timeout(240)
async def test_a_passing_runs_plan_is_reused_for_the_same_request_unless_a_fresh_plan_is_asked_for(
    tmp_path: Path, settings: Settings, request_for: Any, roles_for: Any, kit: Any
) -> None:
    cache = PlanCache(JsonPlanCacheStore(tmp_path / "cache.json"), owner=LOCAL_OWNER, pass_score=6)
    model = kit.script()
    roles = roles_for(model)
    async with open_local_worker(tmp_path / "ws") as session:
        first = await run_make(request_for(run_id="first"), settings, session, roles=roles, plan_cache=cache)
        assert first["status"] == "completed" and first["totals"]["final_score"] >= 6
        assert first["plan_source"] == {"kind": "planner", "cache": "miss"}

        await session.call("new_scene", {})  # a new model starts from an empty scene
        model2 = kit.script()
        again = await run_make(
            request_for(run_id="second", review=True),
            settings,
            session,
            roles=roles_for(model2),
            plan_cache=cache,
        )
        assert model2.turns_of("planner") == []  # the planner call is what the cache saves
        assert again["plan_source"]["kind"] == "cache" and again["plan_source"]["run_id"] == "first"
        assert [s["action"] for s in again["plan"]] == [s["action"] for s in first["plan"]]

        await session.call("new_scene", {})
        model3 = kit.script()
        fresh = await run_make(
            request_for(run_id="third", review=True, fresh_plan=True),
            settings,
            session,
            roles=roles_for(model3),
            plan_cache=cache,
        )
        assert len(model3.turns_of("planner")) == 1
        assert fresh["plan_source"]["kind"] == "planner"


def test_the_final_message_says_where_a_reused_plan_came_from() -> None:
    from prompt2mesh.agent.report import final_message

    state: Any = {"steps": [], "plan_source": {"kind": "cache", "run_id": "first"}}
    assert "plan reused from run first" in final_message(state)
    state["plan_source"] = {"kind": "cache", "run_id": None, "shared": True}
    assert "plan reused from another user's run (shared cache)" in final_message(state)
