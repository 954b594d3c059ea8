"""Every path a tool touches stays inside the worker's workspace."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from prompt2mesh.blender.errors import InvalidArgument, NotFound, PathOutsideWorkspace
from prompt2mesh.blender.workspace import Workspace
from prompt2mesh.workers.blocking import BlockingWorker


@pytest.fixture
def space(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "ws")


def test_relative_paths_resolve_inside(space: Workspace) -> None:
    assert space.resolve("scene.glb") == space.root / "scene.glb"
    assert space.resolve("out/deep/scene.glb") == space.root / "out" / "deep" / "scene.glb"
    assert space.resolve("out/../scene.glb") == space.root / "scene.glb"  # stays inside: fine
    assert space.relative(space.root / "out" / "a.png") == "out/a.png"


def test_the_workspace_is_created_and_home_is_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    space = Workspace(Path("~/p2m-ws"))
    assert space.root == (tmp_path / "p2m-ws").resolve() and space.root.is_dir()


@pytest.mark.parametrize(
    "path",
    [
        "../escape.glb",
        "out/../../escape.glb",
        "..",
        "/etc/passwd",
        "/tmp/x.glb",
        "~/x.glb",
        "\\\\server\\x",
        "C:\\x.glb",
    ],
)
def test_escapes_and_absolute_paths_are_refused(space: Workspace, path: str) -> None:
    with pytest.raises(PathOutsideWorkspace) as caught:
        space.resolve(path)
    assert "relative" in caught.value.message or "outside the workspace" in caught.value.message


def test_a_symlink_pointing_outside_is_refused(space: Workspace, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (space.root / "link").symlink_to(outside, target_is_directory=True)
    (space.root / "file.glb").symlink_to(outside / "target.glb")
    with pytest.raises(PathOutsideWorkspace, match="symlink"):
        space.resolve("link/scene.glb")
    with pytest.raises(PathOutsideWorkspace):
        space.resolve("file.glb")
    inner = space.root / "inner"
    inner.mkdir()
    (space.root / "alias").symlink_to(inner, target_is_directory=True)
    assert space.resolve("alias/x.glb") == inner / "x.glb"  # a link that stays inside is fine


def test_names_suffixes_and_existence(space: Workspace) -> None:
    for bad in ("", "   ", "a\x00b"):
        with pytest.raises(InvalidArgument):
            space.resolve(bad)
    with pytest.raises(InvalidArgument, match="workspace itself"):
        space.resolve(".")
    with pytest.raises(InvalidArgument, match=".glb, .gltf"):
        space.resolve("scene.txt", suffixes=(".glb", ".gltf"))
    assert space.resolve("SCENE.GLB", suffixes=(".glb",)).name == "SCENE.GLB"
    with pytest.raises(NotFound, match="no file 'missing.blend'"):
        space.resolve("missing.blend", must_exist=True)


@pytest.mark.parametrize("filename", ["../escape.glb", "/tmp/p2m-escape.glb", "~/escape.glb"])
def test_tools_refuse_paths_outside_the_workspace(worker: BlockingWorker, filename: str) -> None:
    assert worker.call("create_primitive", kind="cube").ok
    result = worker.call("export_scene", format="glb", filename=filename)
    assert not result.ok and "path_outside_workspace" in (result.error or "")
    assert not Path("/tmp/p2m-escape.glb").exists()
    assert not (worker.workspace.parent / "escape.glb").exists()


def test_tools_refuse_a_symlink_out_of_the_workspace(worker: BlockingWorker, tmp_path: Path) -> None:
    link = worker.workspace / "p2m-link-out"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(tmp_path, target_is_directory=True)
    try:
        assert worker.call("create_primitive", kind="cube").ok
        for tool, args in [
            ("export_scene", {"format": "glb", "filename": "p2m-link-out/x.glb"}),
            ("save_blend", {"filename": "p2m-link-out/x.blend"}),
        ]:
            result = worker.call(tool, **args)
            assert not result.ok and "path_outside_workspace" in (result.error or ""), (tool, result)
        assert os.listdir(tmp_path) == []
        saved = worker.call("save_blend", filename="inside/x.blend")
        assert saved.ok, saved.error
        assert (worker.workspace / "inside" / "x.blend").is_file()
    finally:
        link.unlink()
