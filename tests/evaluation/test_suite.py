"""Prompt suites: reading JSONL, building each prompt with the offline roles, checking scene.glb."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prompt2mesh.config import Settings
from prompt2mesh.evaluation import load_checker, load_suite, run_suite, summary_table
from prompt2mesh.evaluation.errors import SuiteFormatError

SUITE = [
    {
        "id": "e1",
        "prompt": "A green cup on a small wooden stool",
        "expect": [
            {"object": "cup|mug", "color": "green"},
            {"object": "stool", "color": "brown|orange"},
            {"relation": "on", "a": "cup|mug", "b": "stool"},
            {"grounded": True},
        ],
    },
    {
        "id": "e2",
        "prompt": "Two purple balloons above a bench",
        "expect": [
            {"count": "balloon", "min": 2, "max": 2},
            {"object": "balloon", "color": "purple"},
            {"relation": "above", "a": "balloon", "b": "bench"},
            {"grounded": True},
        ],
    },
]


def write_suite(path: Path, items: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n\n", encoding="utf-8")
    return path


def test_an_external_checker_file_can_judge_instead_of_the_built_in_one(tmp_path: Path) -> None:
    path = tmp_path / "my_check.py"
    path.write_text("def check_scene(path, expects):\n    return [(True, 'fine')] * len(expects)\n")
    assert load_checker(path)("scene.glb", [{"grounded": True}]) == [(True, "fine")]
    (tmp_path / "empty.py").write_text("x = 1\n")
    with pytest.raises(SuiteFormatError, match="check_scene"):
        load_checker(tmp_path / "empty.py")


def test_a_suite_is_read_line_by_line(tmp_path: Path) -> None:
    items = load_suite(write_suite(tmp_path / "s.jsonl", SUITE))
    assert [i.id for i in items] == ["e1", "e2"]
    assert items[1].expect[0] == {"count": "balloon", "min": 2, "max": 2}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "not JSON"),
        ('{"id": "x"}', "'prompt'"),
        ('{"prompt": "a cube", "expect": {}}', "'expect'"),
    ],
)
def test_malformed_suite_lines_are_refused_with_their_line_number(
    tmp_path: Path, line: str, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"prompt": "a cube"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(SuiteFormatError, match=message) as err:
        load_suite(path)
    assert ":2:" in str(err.value)


async def test_the_offline_roles_pass_a_small_suite_of_unseen_prompts(tmp_path: Path) -> None:
    items = load_suite(write_suite(tmp_path / "s.jsonl", SUITE))
    settings = Settings(data_dir=tmp_path / "data", screenshot_size=256)
    outcomes = await run_suite(items, settings, tmp_path / "out")
    for o in outcomes:
        assert o.passed, (o.item.prompt, o.status, o.error, [t for ok, t in o.checks if not ok])
        assert o.seconds < 30
        assert (tmp_path / "out" / o.item.id / "report.json").exists()
    assert summary_table(outcomes).startswith("pass rate 100% (2/2 prompts), checks 8/8")
