"""Warm spare workers: started ahead, handed to the next user who needs one, counted honestly."""

from __future__ import annotations

from pathlib import Path

import pytest

from prompt2mesh.workers.errors import WorkersBusy
from prompt2mesh.workers.local import LocalWorkerManager
from prompt2mesh.workers.session import WorkerUnavailable, assign_workspace, find_child_pid, open_local_worker

pytestmark = pytest.mark.timeout(240)


def spare_pids(root: Path) -> set[int]:
    spares = root / ".spares"
    return (
        {pid for d in spares.iterdir() if (pid := find_child_pid(d)) is not None}
        if spares.exists()
        else set()
    )


async def test_a_log_in_gets_the_spare_started_ahead_with_its_own_workspace(tmp_path: Path) -> None:
    manager = LocalWorkerManager(tmp_path, max_workers=2, spares=1, health_interval_s=600)
    try:
        assert await manager.fill_spares() == 1
        assert manager.active_count() == 1  # a spare is a process: it counts against the cap
        (started_ahead,) = spare_pids(tmp_path)
        (placeholder,) = (tmp_path / ".spares").iterdir()
        async with manager.lease("alice") as alice:
            assert manager.info("alice").pid == started_ahead
            saved = await alice.runner.call("save_blend", {"filename": "mine.blend"})
            assert saved.ok, saved.error
            assert (alice.workspace / "mine.blend").is_file()
            assert "Saved" in (alice.workspace / "worker.log").read_text(errors="replace")
            assert not placeholder.exists()  # the spare's placeholder went with it

            assert await manager.fill_spares() == 1  # refilled: alice + one spare is the cap
            assert manager.active_count() == 2
            async with manager.lease("bob") as bob:
                assert bob.workspace != alice.workspace
                assert await manager.fill_spares() == 0  # no room under the cap for another
                assert manager.active_count() == 2
                with pytest.raises(WorkersBusy):
                    await manager.acquire("carol")
    finally:
        await manager.shutdown()


async def test_a_user_start_takes_the_slot_of_a_spare_rather_than_fail(tmp_path: Path) -> None:
    manager = LocalWorkerManager(tmp_path, max_workers=1, spares=1, health_interval_s=600)
    try:
        await manager.fill_spares()
        async with manager.lease(
            "alice",
        ) as alice:
            assert manager.active_count() == 1 and (await alice.runner.call("get_history")).ok
    finally:
        await manager.shutdown()


async def test_a_spare_runs_nothing_before_its_workspace_and_takes_only_one_under_its_root(
    tmp_path: Path,
) -> None:
    root = tmp_path / "workspaces"
    (root / "alice").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    placeholder = root / ".spares" / "one"
    args = ["--spare-root", str(root)]
    async with open_local_worker(placeholder, spare=True, extra_args=args) as spare:
        early = await spare.call("get_scene_info")
        assert not early.ok and "[not_ready]" in (early.error or "")
        with pytest.raises(WorkerUnavailable, match="not_ready"):
            await assign_workspace(spare, tmp_path / "elsewhere")  # refused: outside the root
        await assign_workspace(spare, root / "alice")
        assert (await spare.call("save_blend", {"filename": "a.blend"})).ok
        assert (root / "alice" / "a.blend").is_file()
        (root / "mallory").mkdir()
        await assign_workspace(spare, root / "mallory")  # once only: the second is ignored
        assert (await spare.call("save_blend", {"filename": "b.blend"})).ok
        assert (root / "alice" / "b.blend").is_file() and not any((root / "mallory").iterdir())
