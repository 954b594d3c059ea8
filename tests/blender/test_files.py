"""The workspace's files as MCP resources: listed and read in bounded chunks, never outside."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from prompt2mesh.blender.errors import InvalidArgument, NotFound, PathOutsideWorkspace
from prompt2mesh.blender.files import CHUNK_BYTES, list_files, list_uri, read_chunk, read_uri
from prompt2mesh.blender.workspace import Workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    (root / "runs" / "r1" / "exports").mkdir(parents=True)
    (root / "runs" / "r1" / "scene.glb").write_bytes(b"glTF" + b"\0" * 100)
    (root / "runs" / "r1" / "exports" / "a.obj").write_text("v 0 0 0\n")
    (root / "runs" / "r1" / ".p2m").mkdir()
    (root / "runs" / "r1" / ".p2m" / "step_01.blend").write_bytes(b"anchor")
    (root / ".p2m").mkdir()
    (root / ".p2m" / "history").write_bytes(b"undo")
    return Workspace(root)


def test_a_listing_names_files_relative_to_the_workspace_without_dot_folders(workspace: Workspace) -> None:
    names = {entry["name"]: entry["bytes"] for entry in list_files(workspace, "runs%2Fr1")}
    assert names == {"runs/r1/scene.glb": 104, "runs/r1/exports/a.obj": 8}
    everything = {entry["name"] for entry in list_files(workspace, ".")}
    assert everything == set(names)


def test_a_listing_of_a_missing_folder_is_empty(workspace: Workspace) -> None:
    assert list_files(workspace, "runs%2Fnope") == []


def test_a_listing_outside_the_workspace_is_refused(workspace: Workspace) -> None:
    with pytest.raises(PathOutsideWorkspace):
        list_files(workspace, "..%2F..")


def test_a_large_file_is_read_in_bounded_chunks(workspace: Workspace) -> None:
    big = os.urandom(CHUNK_BYTES + 1234)
    (workspace.root / "big.bin").write_bytes(big)
    first = read_chunk(workspace, "big.bin", 0)
    second = read_chunk(workspace, "big.bin", CHUNK_BYTES)
    assert len(first) == CHUNK_BYTES and len(second) == 1234
    assert first + second == big


def test_a_read_outside_the_workspace_or_of_nothing_is_refused(workspace: Workspace) -> None:
    with pytest.raises(PathOutsideWorkspace):
        read_chunk(workspace, "..%2Fsecret", 0)
    with pytest.raises(PathOutsideWorkspace):
        read_chunk(workspace, "%2Fetc%2Fpasswd", 0)
    with pytest.raises(NotFound):
        read_chunk(workspace, "runs%2Fr1%2Fmissing.glb", 0)
    with pytest.raises(InvalidArgument):
        read_chunk(workspace, "runs%2Fr1%2Fscene.glb", -1)
    with pytest.raises(InvalidArgument):
        read_chunk(workspace, "runs%2Fr1%2Fscene.glb", "ten")


def test_uris_carry_a_path_as_one_template_parameter() -> None:
    assert list_uri("runs/r1") == "p2m://files/runs%2Fr1"
    assert list_uri("") == "p2m://files/."
    assert read_uri("runs/r 1/scene.glb", 8) == "p2m://file/runs%2Fr%201%2Fscene.glb/8"
    assert json.loads(json.dumps(list_uri("a")))  # plain text, safe in JSON
