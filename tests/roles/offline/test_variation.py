"""Variations of a prompt laid out by the offline modeller: the same objects, counts and
colour classes, other proportions, shades and arrangements; the same number gives the same
layout every time, and the plain prompt is untouched."""

from __future__ import annotations

from prompt2mesh.roles.interface import RoleContext
from prompt2mesh.roles.offline.planner import OfflineRefiner
from prompt2mesh.roles.offline.scene_facts import color_classes
from prompt2mesh.roles.offline.spec import SceneSpec
from prompt2mesh.roles.offline.understanding import understand
from prompt2mesh.roles.offline.variation import SCALE_RANGE, SIZED_SCALE_RANGE, vary


def _layout(prompt: str, variation: int) -> list[tuple[str, float, str | None, tuple[float, ...]]]:
    u = understand(prompt, variation=variation)
    return [(p.name, p.scale, p.color, tuple(round(x, 3) for x in p.location)) for p in u.layout.placements]


def test_variation_zero_is_the_plain_layout() -> None:
    assert understand("a red chair next to a wooden table", variation=0) is understand(
        "a red chair next to a wooden table"
    )


def test_each_variation_differs_and_keeps_the_objects_and_counts() -> None:
    prompt = "five blue cups next to a red teapot"
    layouts = [_layout(prompt, v) for v in range(4)]
    names = [[name for name, *_ in layout] for layout in layouts]
    assert all(n == names[0] for n in names)
    assert len({tuple(layout) for layout in layouts}) == 4


def test_a_variation_is_the_same_every_time() -> None:
    spec = understand("three green bottles").spec
    assert vary(spec, 2) == vary(spec, 2)
    assert vary(spec, 2) != vary(spec, 3)


def test_shades_stay_in_the_asked_colour_class() -> None:
    for prompt in ("a red chair", "a dark blue vase", "a white cup", "a pink flamingo", "a brown dog"):
        plain = understand(prompt).spec.objects[0].color
        assert plain is not None
        for v in range(1, 8):
            varied = vary(understand(prompt).spec, v).objects[0].color
            assert varied is not None and color_classes(varied) == color_classes(plain), (prompt, v, varied)


def test_an_asked_size_keeps_its_word_and_an_open_one_varies_more() -> None:
    small = understand("a small house").spec
    plain = understand("a house").spec
    for v in range(1, 10):
        assert (
            SIZED_SCALE_RANGE[0]
            <= vary(small, v).objects[0].scale / small.objects[0].scale
            <= SIZED_SCALE_RANGE[1]
        )
        assert SCALE_RANGE[0] <= vary(plain, v).objects[0].scale <= SCALE_RANGE[1]


def test_an_asked_arrangement_is_kept() -> None:
    spec = understand("a stack of four books").spec
    books = next(o for o in spec.objects if o.count == 4)
    for v in range(1, 6):
        assert next(o for o in vary(spec, v).objects if o.id == books.id).arrangement == books.arrangement


def test_the_stored_spec_carries_the_variation_so_a_resume_lays_out_the_same_model() -> None:
    u = understand("two yellow chairs", variation=3)
    stored = u.spec.to_dict()
    assert stored["variation"] == 3 and SceneSpec.from_dict(stored).variation == 3
    again = understand("two yellow chairs", stored)
    assert [(p.scale, p.color, p.location) for p in again.layout.placements] == [
        (p.scale, p.color, p.location) for p in u.layout.placements
    ]


async def test_the_refiner_says_which_variation_it_describes() -> None:
    # The offline refiner only parses and lays out: it never calls a tool.
    refined = await OfflineRefiner().refine("a red chair", RoleContext(runner=None, variation=2))  # type: ignore[arg-type]
    assert "Variation 2" in refined.refined and refined.details["spec"]["variation"] == 2
    plain = await OfflineRefiner().refine("a red chair", RoleContext(runner=None))  # type: ignore[arg-type]
    assert "Variation" not in plain.refined and plain.details["spec"]["variation"] == 0
