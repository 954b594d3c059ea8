"""Each step is offered only the tools of its categories (categories from the worker's meta)."""

from __future__ import annotations

import pytest

from prompt2mesh.agent.tool_filter import (
    CORE,
    categories_for_step,
    judged_rendered,
    loadable_tools,
    tools_for_refinement,
    tools_for_step,
)
from prompt2mesh.roles.interface import PlanStep, ToolInfo
from prompt2mesh.roles.prompts import tool_schemas
from prompt2mesh.workers.blocking import BlockingWorker


@pytest.fixture(scope="module")
def catalogue(shared_worker: BlockingWorker) -> list[ToolInfo]:
    return shared_worker.list_tools()


def names(tools: list[ToolInfo]) -> set[str]:
    return {t.name for t in tools}


def test_a_step_naming_a_material_tool_gets_materials_and_inspection_only(catalogue: list[ToolInfo]) -> None:
    step = PlanStep(number=2, action="Paint the trunk brown", tools=["create_material"])
    assert categories_for_step(step, catalogue) == {"inspection", "materials"}
    offered = tools_for_step(step, catalogue)
    assert {"create_material", "assign_material", "get_object_info"} <= names(offered)
    assert "create_primitive" not in names(offered) and "execute_blender_code" not in names(offered)


def test_a_step_without_named_tools_is_filtered_by_its_words(catalogue: list[ToolInfo]) -> None:
    step = PlanStep(number=5, action="Light the scene and frame the camera")
    assert categories_for_step(step, catalogue) == {"inspection", "lighting", "camera"}


def test_an_unrecognisable_step_gets_the_general_modelling_kit_but_never_code(
    catalogue: list[ToolInfo],
) -> None:
    step = PlanStep(number=1, action="Do the thing")
    assert categories_for_step(step, catalogue) == {"inspection", "creation", "modification", "materials"}
    assert "execute_blender_code" not in names(tools_for_step(step, catalogue))


def test_code_is_offered_only_when_the_step_names_it(catalogue: list[ToolInfo]) -> None:
    step = PlanStep(number=1, action="Scatter snow", tools=["execute_blender_code"])
    assert "execute_blender_code" in names(tools_for_step(step, catalogue))


def test_every_offered_set_is_much_smaller_than_the_catalogue(catalogue: list[ToolInfo]) -> None:
    step = PlanStep(number=1, action="Build the trunk", tools=["create_primitive"])
    assert len(tools_for_step(step, catalogue)) <= len(catalogue) // 2


def test_a_refinement_may_also_modify_and_change_materials(catalogue: list[ToolInfo]) -> None:
    step = PlanStep(number=1, action="Build the trunk", tools=["create_primitive"])
    offered = names(tools_for_refinement(step, catalogue))
    assert {"create_primitive", "add_modifier", "set_shading", "create_material"} <= offered
    assert "execute_blender_code" not in offered


def test_scene_lifecycle_tools_are_never_offered_to_a_model(catalogue: list[ToolInfo]) -> None:
    step = PlanStep(number=1, action="Save and export the scene", tools=["save_blend", "new_scene"])
    offered = names(tools_for_step(step, catalogue)) | names(tools_for_refinement(step, catalogue))
    assert not offered & {"new_scene", "open_blend", "save_blend", "export_scene"}


def test_node_materials_and_constraints_are_offered_only_when_a_step_asks(catalogue: list[ToolInfo]) -> None:
    plain = PlanStep(number=3, action="Colour the ornaments red and gold", tools=["create_material"])
    assert categories_for_step(plain, catalogue) == {"inspection", "materials"}
    textured = PlanStep(number=3, action="Give the table a wood texture", tools=["create_material"])
    assert {"materials", "shading"} <= categories_for_step(textured, catalogue)
    assert "edit_material_nodes" in names(tools_for_step(textured, catalogue))
    lit = PlanStep(number=5, action="Light the scene and frame the camera")
    assert not {"configure_light", "set_environment", "configure_camera"} & names(
        tools_for_step(lit, catalogue)
    )
    hdri = PlanStep(number=5, action="Light it with an HDRI and a shallow depth of field")
    assert {"set_environment", "configure_camera"} <= names(tools_for_step(hdri, catalogue))
    tracked = PlanStep(number=6, action="Add a track to constraint so the lamp points at the car")
    assert "add_constraint" in names(tools_for_step(tracked, catalogue))


@pytest.mark.parametrize(
    ("action", "category", "tool"),
    [
        ("Put the chairs in a collection called Furniture", "organisation", "set_collection"),
        ("Extrude the top faces of the tower by 2 m", "editing", "edit_mesh"),
        ("Make the ball a rigid body that falls onto the floor", "animation", "set_rigid_body"),
        ("Keyframe the door swinging open", "animation", "insert_keyframe"),
    ],
)
def test_organisation_editing_and_animation_steps_get_their_tools(
    catalogue: list[ToolInfo], action: str, category: str, tool: str
) -> None:
    step = PlanStep(number=3, action=action)
    assert category in categories_for_step(step, catalogue)
    assert tool in names(tools_for_step(step, catalogue))


def test_the_new_categories_stay_out_of_plain_modelling_steps(catalogue: list[ToolInfo]) -> None:
    step = PlanStep(number=1, action="Build the trunk", tools=["create_primitive"])
    offered = tools_for_step(step, catalogue)
    assert not {t.category for t in offered} & {"organisation", "editing", "animation"}


def test_collections_and_rigid_bodies_are_nouns_that_count_even_when_tools_are_named(
    catalogue: list[ToolInfo],
) -> None:
    step = PlanStep(
        number=4,
        action="Add a ball as a rigid body and put it in the Toys collection",
        tools=["create_primitive"],
    )
    assert {"organisation", "animation"} <= categories_for_step(step, catalogue)


def test_every_tool_a_step_names_is_offered_with_the_inspection_core(catalogue: list[ToolInfo]) -> None:
    step = PlanStep(
        number=3,
        action="Add the star",
        description="A gold star on top, facing the front view, catching the light.",
        tools=["create_primitive", "create_material", "set_origin", "join_objects"],
    )
    offered = names(tools_for_step(step, catalogue))
    assert {"create_primitive", "create_material", "set_origin", "join_objects"} <= offered
    assert set(CORE["inspection"]) <= offered
    # Words about looks ("front view", "the light") do not bring camera or lighting tools.
    assert not offered & {"frame_camera", "set_camera", "setup_lighting", "add_light"}


def test_the_offered_schemas_do_not_grow_when_the_catalogue_grows(catalogue: list[ToolInfo]) -> None:
    more = [
        ToolInfo(
            name=f"new_tool_{i}", description="A new tool. " * 30, category=c, input_schema={"type": "object"}
        )
        for i, c in enumerate(["constraints", "animation", "materials", "modification", "creation"] * 8)
    ]
    step = PlanStep(number=1, action="Build the trunk and paint it brown", tools=["create_primitive"])
    before = tool_schemas(tools_for_step(step, catalogue), cache=False)
    after = tool_schemas(tools_for_step(step, [*catalogue, *more]), cache=False)
    assert after == before
    assert {t.name for t in more} <= names(loadable_tools([*catalogue, *more]))
    assert "execute_blender_code" not in names(loadable_tools(catalogue))


def test_steps_about_lights_or_materials_are_judged_from_a_render(catalogue: list[ToolInfo]) -> None:
    assert judged_rendered(PlanStep(number=6, action="Light the scene", tools=["setup_lighting"]), catalogue)
    assert judged_rendered(
        PlanStep(number=4, action="Gild the star", tools=["create_material", "assign_material"]), catalogue
    )
    assert not judged_rendered(
        PlanStep(number=1, action="Build the cone", tools=["create_primitive", "create_material"]), catalogue
    )
