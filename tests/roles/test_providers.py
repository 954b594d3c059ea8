from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from langchain_anthropic import ChatAnthropic
from langchain_google_genai import ChatGoogleGenerativeAI
from langchain_ollama import ChatOllama
from langchain_openai import ChatOpenAI

from prompt2mesh.config import Settings
from prompt2mesh.roles.errors import ProviderConfigError, ProviderUnreachableError
from prompt2mesh.roles.providers import build_chat_model, check_provider, model_name

NO_KEYS = {"ANTHROPIC_API_KEY": None, "OPENAI_API_KEY": None, "GOOGLE_API_KEY": None, "GEMINI_API_KEY": None}


def settings(**values: object) -> Settings:
    """Settings that ignore any key in the environment of whoever runs the tests."""
    return Settings(**{**NO_KEYS, "model": None, "base_url": None, **values})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "cls", "model"),
    [
        ({"provider": "anthropic", "ANTHROPIC_API_KEY": "sk-ant-test"}, ChatAnthropic, "claude-sonnet-5-5"),
        ({"provider": "openai", "OPENAI_API_KEY": "sk-test"}, ChatOpenAI, "gpt-5.5"),
        ({"provider": "google", "GOOGLE_API_KEY": "g-test"}, ChatGoogleGenerativeAI, "gemini-flash-latest"),
        ({"provider": "ollama"}, ChatOllama, "qwen3-vl:8b"),
        (
            {"provider": "openai_compatible", "base_url": "http://127.0.0.1:8001/v1", "model": "local-vl"},
            ChatOpenAI,
            "local-vl",
        ),
    ],
    ids=lambda v: v["provider"] if isinstance(v, dict) else None,
)
def test_every_provider_builds_its_langchain_model_from_settings_without_network(
    values: dict[str, object], cls: type, model: str
) -> None:
    chat = build_chat_model(settings(**values))

    assert isinstance(chat, cls)
    assert model_name(chat) == model


def test_provider_models_take_the_timeout_temperature_and_no_sdk_retries_from_settings() -> None:
    common = {"model_timeout_s": 33.0, "model_temperature": 0.5, "model_max_tokens": 1000}
    claude = build_chat_model(
        settings(provider="anthropic", ANTHROPIC_API_KEY="k", model="claude-x", **common)
    )
    assert isinstance(claude, ChatAnthropic)
    assert (claude.model, claude.default_request_timeout, claude.temperature) == ("claude-x", 33.0, 0.5)
    assert (claude.max_retries, claude.max_tokens) == (0, 1000)
    assert claude.anthropic_api_key.get_secret_value() == "k"

    gpt = build_chat_model(settings(provider="openai", OPENAI_API_KEY="k", **common))
    assert isinstance(gpt, ChatOpenAI)
    assert (gpt.request_timeout, gpt.max_retries, gpt.max_tokens) == (33.0, 0, 1000)

    local = build_chat_model(settings(provider="ollama", base_url="http://10.0.0.5:11434", **common))
    assert isinstance(local, ChatOllama)
    assert (local.base_url, local.num_predict) == ("http://10.0.0.5:11434", 1000)

    compatible = build_chat_model(settings(provider="openai_compatible", base_url="http://h:1/v1", model="m"))
    assert isinstance(compatible, ChatOpenAI)
    assert compatible.openai_api_base == "http://h:1/v1"


def test_claude_models_that_refuse_a_temperature_are_built_without_one() -> None:
    newest = build_chat_model(settings(provider="anthropic", ANTHROPIC_API_KEY="k", model_temperature=0.2))
    older = build_chat_model(settings(provider="anthropic", ANTHROPIC_API_KEY="k", model="claude-sonnet-5"))

    assert isinstance(newest, ChatAnthropic) and newest.temperature is None
    assert isinstance(older, ChatAnthropic) and older.temperature == 0.2


@pytest.mark.parametrize(
    ("provider", "variable"),
    [("anthropic", "ANTHROPIC_API_KEY"), ("openai", "OPENAI_API_KEY"), ("google", "GOOGLE_API_KEY")],
)
def test_a_missing_key_is_one_clear_error_naming_the_variable(provider: str, variable: str) -> None:
    with pytest.raises(ProviderConfigError, match=f"set {variable}") as info:
        build_chat_model(settings(provider=provider))
    assert "P2M_PROVIDER=offline" in info.value.message
    assert info.value.code == "provider_config"


def test_gemini_takes_its_key_from_either_usual_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    values = {**NO_KEYS, "model": None, "provider": "google", "GEMINI_API_KEY": "g-key"}
    del values["GOOGLE_API_KEY"]  # the first alias wins, even when None
    gemini = build_chat_model(Settings(**values))  # type: ignore[arg-type]

    assert isinstance(gemini, ChatGoogleGenerativeAI)
    assert gemini.google_api_key is not None and gemini.google_api_key.get_secret_value() == "g-key"


def test_an_openai_compatible_server_needs_a_base_url_and_a_model_name() -> None:
    with pytest.raises(ProviderConfigError, match="P2M_BASE_URL"):
        build_chat_model(settings(provider="openai_compatible", model="m"))
    with pytest.raises(ProviderConfigError, match="P2M_MODEL"):
        build_chat_model(settings(provider="openai_compatible", base_url="http://h:1/v1"))


def test_the_offline_provider_has_no_chat_model() -> None:
    with pytest.raises(ProviderConfigError, match="no chat model"):
        build_chat_model(settings(provider="offline"))


class _Handler(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        body = json.dumps({"models": [{"name": "qwen3-vl:8b"}], "data": []}).encode()
        self.send_response(self.server.status)  # type: ignore[attr-defined]
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.server.seen.append((self.path, dict(self.headers)))  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[ThreadingHTTPServer]:
    """A real HTTP server on loopback standing in for an Ollama / OpenAI-compatible server."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.status = 200  # type: ignore[attr-defined]
    server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _url(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


async def test_the_start_check_reaches_a_local_ollama_server(local_server: ThreadingHTTPServer) -> None:
    check = await check_provider(settings(provider="ollama", base_url=_url(local_server)))

    assert (check.provider, check.model, check.status) == ("ollama", "qwen3-vl:8b", 200)
    assert local_server.seen[0][0] == "/api/tags"  # type: ignore[attr-defined]


async def test_the_start_check_sends_the_key_to_an_openai_compatible_server(
    local_server: ThreadingHTTPServer,
) -> None:
    values = {"provider": "openai_compatible", "base_url": _url(local_server) + "/v1", "model": "m"}
    await check_provider(settings(**values, OPENAI_API_KEY="sk-local"))

    path, headers = local_server.seen[0]  # type: ignore[attr-defined]
    assert path == "/v1/models" and headers["Authorization"] == "Bearer sk-local"


async def test_a_refused_key_is_reported_at_start_naming_the_variable(
    local_server: ThreadingHTTPServer,
) -> None:
    local_server.status = 401  # type: ignore[attr-defined]
    values = {"provider": "openai", "base_url": _url(local_server) + "/v1", "OPENAI_API_KEY": "sk-wrong"}
    with pytest.raises(
        ProviderUnreachableError, match=r"refused the credentials \(HTTP 401\); check OPENAI_API_KEY"
    ):
        await check_provider(settings(**values))


async def test_an_unreachable_provider_is_one_clear_message_at_start() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(
        ProviderUnreachableError, match=rf"cannot reach ollama at http://127.0.0.1:{port}/api/tags"
    ):
        await check_provider(settings(provider="ollama", base_url=f"http://127.0.0.1:{port}"), timeout_s=5)


async def test_the_start_check_refuses_a_missing_key_before_any_request() -> None:
    with pytest.raises(ProviderConfigError, match="ANTHROPIC_API_KEY"):
        await check_provider(settings(provider="anthropic"))
