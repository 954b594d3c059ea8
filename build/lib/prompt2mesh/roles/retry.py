"""Retry model calls on rate limits and transient failures, with exponential backoff.

The spec's policy is the default: wait 1 s, 2 s, 4 s between attempts (the first call plus
three retries), then give up with :class:`RetriesExhaustedError`. The sleep is injectable so
tests never really wait. Errors are classified by shape rather than by importing every SDK:
langchain's ``ModelError.is_retryable``, an HTTP status (429, 5xx, Anthropic's 529), or a
well-known class name (``RateLimitError``, ``APIConnectionError``, ``ResourceExhausted``...),
looking through ``__cause__`` because langchain integrations wrap SDK errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import httpx
from langchain_core.exceptions import ModelError as LangChainModelError

from prompt2mesh.roles.errors import RetriesExhaustedError

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
OnRetry = Callable[[int, float, BaseException], None]
"""Called before each wait with (attempt number that failed, delay in s, the error)."""

DEFAULT_DELAYS_S: tuple[float, ...] = (1.0, 2.0, 4.0)

RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})

_TRANSIENT_NAMES = frozenset(
    {
        # anthropic / openai SDKs (APITimeoutError subclasses APIConnectionError)
        "RateLimitError",
        "APIConnectionError",
        "APITimeoutError",
        "InternalServerError",
        "OverloadedError",
        "ServiceUnavailableError",
        # google.api_core and google.genai
        "ResourceExhausted",
        "ServiceUnavailable",
        "DeadlineExceeded",
        "TooManyRequests",
        "ServerError",
    }
)


def _chain(exc: BaseException, depth: int = 6) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and depth > 0:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
        depth -= 1


def _status_of(exc: BaseException) -> int | None:
    for attr in ("status_code", "code", "status"):
        value = getattr(exc, attr, None)
        if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
            return value
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def is_transient(exc: BaseException) -> bool:
    """Whether another attempt of the same model call may succeed.

    Args:
        exc: The error a model call raised.

    Returns:
        True for rate limits, server errors, timeouts and connection failures of any provider.
    """
    for err in _chain(exc):
        if isinstance(err, LangChainModelError):
            return bool(err.is_retryable)
        if isinstance(err, TimeoutError | ConnectionError | httpx.TransportError):
            return True
        if any(cls.__name__ in _TRANSIENT_NAMES for cls in type(err).__mro__):
            return True
        status = _status_of(err)
        if status is not None:
            return status in RETRYABLE_STATUS
    return False


async def with_retries(
    fn: Callable[[], Awaitable[T]],
    *,
    delays: Sequence[float] = DEFAULT_DELAYS_S,
    sleep: Sleep = asyncio.sleep,
    on_retry: OnRetry | None = None,
    what: str = "model call",
) -> T:
    """Await ``fn()``; on a transient error wait ``delays[i]`` and try again.

    Args:
        fn: Makes one attempt (called afresh each time).
        delays: Seconds to wait before each retry; ``len(delays)`` retries at most.
        sleep: How to wait (``asyncio.sleep``; tests pass a recorder).
        on_retry: Told about each failed attempt before the wait (for warnings in the trace).
        what: Names the call in the final error message.

    Returns:
        What ``fn`` returned on the first successful attempt.

    Raises:
        RetriesExhaustedError: Every attempt failed with a transient error.
        BaseException: A non-transient error from ``fn``, unchanged, at once.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return await fn()
        except Exception as exc:
            if not is_transient(exc):
                raise
            if attempt > len(delays):
                waited = sum(delays)
                raise RetriesExhaustedError(
                    f"{what} failed {attempt} times with rate limits or transient errors "
                    f"(waited {waited:g} s in all); last error: {type(exc).__name__}: {exc}",
                    attempts=attempt,
                    last_error=exc,
                ) from exc
            delay = float(delays[attempt - 1])
            if on_retry is not None:
                on_retry(attempt, delay, exc)
            await sleep(delay)


@dataclass(frozen=True)
class RetryPolicy:
    """The delays and the sleep the LLM roles use for every model call."""

    delays: tuple[float, ...] = DEFAULT_DELAYS_S
    sleep: Sleep = field(default=asyncio.sleep)

    async def run(
        self, fn: Callable[[], Awaitable[T]], *, on_retry: OnRetry | None = None, what: str = "model call"
    ) -> T:
        """Run ``fn`` under this policy (see :func:`with_retries`).

        Raises:
            RetriesExhaustedError: Every attempt failed with a transient error.
        """
        return await with_retries(fn, delays=self.delays, sleep=self.sleep, on_retry=on_retry, what=what)
