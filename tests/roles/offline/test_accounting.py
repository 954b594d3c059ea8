"""Every content word of the prompt is accounted for, and the subject is the head of the first
noun phrase; the critic's relation semantics are the suite checker's (no worker needed)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from prompt2mesh.evaluation.check import relation
from prompt2mesh.roles.offline.accounting import account, account_names
from prompt2mesh.roles.offline.findings import CHECKED_RELATIONS, relation_holds
from prompt2mesh.roles.offline.parser import parse


@pytest.mark.parametrize(
    ("prompt", "subject", "shown"),
    [
        ("A zorblax swimming in a pond", "zorblax", False),
        ("A red cube on a blue table", "cube", True),
        ("Create a decorated Christmas tree", "tree", True),
        ("A cat sitting on a bench", "cat", True),
        ("Ein roter Hund auf dem Tisch", "tisch", False),
        ("A zorblax guarding a pile of gold coins", "zorblax", False),
        ("A cup of coffee on a saucer", "cup", True),
    ],
)
def test_the_subject_is_the_head_of_the_first_noun_phrase(prompt: str, subject: str, shown: bool) -> None:
    acc = account(prompt, parse(prompt))
    assert acc.subject == subject
    assert (acc.subject_kind is not None) is shown


def test_words_are_built_applied_relations_or_not_understood() -> None:
    acc = account("A zorblax swimming in a pond", parse("A zorblax swimming in a pond"))
    assert acc.proxies == {"zorblax": "zorblax"} and "pond" in acc.built
    acc = account("a shimmering red cube", parse("a shimmering red cube"))
    assert acc.not_understood == ["shimmering"] and "cube" in acc.built
    acc = account("A table with three glorps", parse("A table with three glorps"))
    assert acc.proxies == {"glorps": "glorps"} and "table" in acc.built
    acc = account("Three yellow balls in a row", parse("Three yellow balls in a row"))
    assert acc.applied == {"three": "count", "yellow": "colour"} and not acc.not_understood


def test_emoji_only_accounts_for_nothing() -> None:
    acc = account("🎄🎁✨", parse("🎄🎁✨"))
    assert acc.subject is None and not acc.understood_anything


def test_a_model_made_scene_is_accounted_for_by_its_object_names() -> None:
    acc = account_names("A red sports car next to a tree", ["Tree_Trunk", "Tree", "Ground"])
    assert acc.subject == "car" and acc.subject_kind is None
    assert "car" in acc.not_understood and "tree" in acc.built


def test_relations_hold_exactly_when_the_suite_checker_says_so() -> None:
    rng = random.Random(7)
    for _ in range(400):
        boxes = []
        for _ in range(2):
            lo = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.choice([0.0, rng.uniform(0, 1)])]
            boxes.append((lo, [v + rng.uniform(0.05, 1.5) for v in lo]))
        a, b = boxes
        for r in (*CHECKED_RELATIONS, "touching"):
            assert relation_holds(r, a, b) == bool(relation(r, np.array(a), np.array(b))), (r, a, b)
