from __future__ import annotations

from fakes.chat import ScriptedChatModel, critique, text, tool_calls
from prompt2mesh.config import Settings
from prompt2mesh.roles.factory import make_roles
from prompt2mesh.roles.interface import PlanStep, RoleContext, ToolInfo, ToolResult
from prompt2mesh.roles.prompts import (
    CACHE_CONTROL,
    PLANNER,
    compact_schema,
    system_message,
    tool_catalogue,
    tool_schemas,
)

TOOLS = [
    ToolInfo(
        name="create_primitive",
        description="Create a primitive.\nMore.",
        category="creation",
        input_schema={"type": "object", "properties": {"kind": {"type": "string"}}},
    ),
    ToolInfo(name="set_camera", description="Place the camera.", category="camera"),
]


def test_with_caching_the_system_prompt_ends_in_an_anthropic_cache_breakpoint() -> None:
    message = system_message(PLANNER, "catalogue", cache=True)

    assert isinstance(message.content, list)
    assert [b["text"] for b in message.content] == [PLANNER, "catalogue"]  # type: ignore[index]
    assert "cache_control" not in message.content[0]  # type: ignore[operator]
    assert message.content[-1]["cache_control"] == CACHE_CONTROL  # type: ignore[index]


def test_without_caching_the_system_prompt_is_plain_text() -> None:
    assert system_message("a", "b", cache=False).content == "a\n\nb"


def test_with_caching_tool_schemas_are_anthropic_dicts_with_a_breakpoint_on_the_last() -> None:
    schemas = tool_schemas(TOOLS, cache=True)

    assert schemas[0] == {
        "name": "create_primitive",
        "description": "Create a primitive. More.",
        "input_schema": TOOLS[0].input_schema,
    }
    assert schemas[1]["cache_control"] == CACHE_CONTROL
    assert schemas[1]["input_schema"] == {"type": "object", "properties": {}}


def test_without_caching_tool_schemas_are_openai_functions() -> None:
    schemas = tool_schemas(TOOLS, cache=False)

    assert schemas[0]["type"] == "function"
    assert schemas[0]["function"]["parameters"] == TOOLS[0].input_schema
    assert all("cache_control" not in s for s in schemas)


def test_the_catalogue_lists_each_tool_by_category_with_its_parameters_and_first_sentence() -> None:
    assert tool_catalogue(TOOLS).splitlines()[1:] == [
        "[camera]",
        "- set_camera(): Place the camera",
        "[creation]",
        "- create_primitive(kind?): Create a primitive",
    ]


def test_schemas_drop_titles_and_null_branches_but_keep_what_the_model_needs() -> None:
    schema = {
        "title": "create_primitiveArguments",
        "type": "object",
        "properties": {
            "title": {"title": "Title", "type": "string"},
            "size": {
                "anyOf": [{"type": "number", "minimum": 0}, {"type": "null"}],
                "default": None,
                "description": "Edge length",
                "title": "Size",
            },
            "kind": {"enum": ["cube", "cone"], "title": "Kind", "type": "string"},
        },
        "required": ["kind"],
    }
    assert compact_schema(schema) == {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "size": {"type": "number", "minimum": 0, "description": "Edge length"},
            "kind": {"enum": ["cube", "cone"], "type": "string"},
        },
        "required": ["kind"],
    }


def test_a_tool_description_keeps_how_to_use_it_and_drops_what_is_for_people() -> None:
    info = ToolInfo(
        name="t",
        description="Does a thing.\nReally.\n\nReturns {a, b}.\n\nparams per type:\n    bevel {width}.\n\nRaises:\n    NotFound: never.",
    )
    assert (
        tool_schemas([info], cache=False)[0]["function"]["description"]
        == "Does a thing. Really.\nparams per type: bevel {width}."
    )


class _Runner:
    def __init__(self) -> None:
        self.calls: list[str] = []

    async def call(self, tool: str, args: dict | None = None) -> ToolResult:
        self.calls.append(tool)
        return ToolResult(tool=tool, args=args or {}, ok=True, result={"name": "Cube"})

    async def list_tools(self) -> list[ToolInfo]:
        return TOOLS


async def test_roles_built_for_anthropic_send_cached_system_prompts_and_tool_schemas() -> None:
    model = ScriptedChatModel(
        script=[tool_calls(("create_primitive", {"kind": "cube"})), text("done"), critique(7)]
    )
    roles = make_roles(Settings(provider="offline"), chat_model=model, prompt_caching=True)
    ctx = RoleContext(runner=_Runner(), tools=TOOLS)

    await roles.executor.execute(PlanStep(number=1, action="Build"), ctx)
    await roles.critic.critique(PlanStep(number=1, action="Build"), b"\x89PNG", ctx)

    for turn in model.turns:
        system = turn.messages[0].content
        assert isinstance(system, list) and system[-1]["cache_control"] == CACHE_CONTROL  # type: ignore[index]
    assert model.offered == [["create_primitive", "set_camera"]]
