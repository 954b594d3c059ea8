"""Errors the service raises, converted to JSON at the HTTP edge only.

Hierarchy (``code`` -> HTTP status)::

    ServiceError                       "error"                 500
    ├── BadRequest                     "bad_request"           400
    │   ├── InvalidPath                "invalid_path"          400
    │   ├── BadAudio                   "bad_audio"             400
    │   └── BadJson                    "bad_json"              400  (unparsable or too deep)
    ├── NotAuthenticated               "not_authenticated"     401
    │   ├── InvalidToken               "invalid_token"         401
    │   ├── TokenExpired               "token_expired"         401
    │   ├── SessionEnded               "session_ended"         401  (refresh refused: log in again)
    │   └── BadCredentials             "bad_credentials"       401
    ├── NotFound                       "not_found"             404  (also: someone else's id)
    ├── Conflict                       "conflict"              409
    │   ├── UsernameTaken              "username_taken"        409
    │   ├── RunNotResumable            "run_not_resumable"     409
    │   ├── RunNotActive               "run_not_active"        409
    │   ├── RunNotAwaitingReview       "run_not_awaiting_review" 409
    │   ├── NoScene                    "no_scene"              409
    │   └── SceneBusy                  "scene_busy"            409
    ├── PayloadTooLarge                "payload_too_large"     413  (refused before reading)
    ├── InvalidInput                   "validation_error"      422  (like the schema's own)
    │   └── PlanInvalid                "plan_invalid"          422  (an edited plan, every problem named)
    ├── WeakPassword                   "weak_password"         422
    ├── TooManyAttempts                "too_many_attempts"     429  (Retry-After)
    ├── QuotaExceeded                  "quota_exceeded"        429  (Retry-After)
    └── Unavailable                    "unavailable"           503
        └── WorkersBusy (workers pkg)  "workers_busy"          503  (Retry-After)

Every error answers ``{"error": {"code": ..., "message": ...}}``.
"""

from __future__ import annotations


class ServiceError(Exception):
    status = 500
    code = "error"

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after_s = retry_after_s


class BadRequest(ServiceError):
    status, code = 400, "bad_request"


class InvalidPath(BadRequest):
    code = "invalid_path"


class BadAudio(BadRequest):
    code = "bad_audio"


class BadJson(BadRequest):
    code = "bad_json"


class NotAuthenticated(ServiceError):
    status, code = 401, "not_authenticated"


class InvalidToken(NotAuthenticated):
    code = "invalid_token"


class TokenExpired(NotAuthenticated):
    code = "token_expired"


class SessionEnded(NotAuthenticated):
    code = "session_ended"


class BadCredentials(NotAuthenticated):
    code = "bad_credentials"


class NotFound(ServiceError):
    status, code = 404, "not_found"


class Conflict(ServiceError):
    status, code = 409, "conflict"


class UsernameTaken(Conflict):
    code = "username_taken"


class RunNotResumable(Conflict):
    code = "run_not_resumable"


class RunNotActive(Conflict):
    code = "run_not_active"


class RunNotAwaitingReview(Conflict):
    code = "run_not_awaiting_review"


class NoScene(Conflict):
    code = "no_scene"


class SceneBusy(Conflict):
    code = "scene_busy"


class PayloadTooLarge(ServiceError):
    status, code = 413, "payload_too_large"


class InvalidInput(ServiceError):
    status, code = 422, "validation_error"


class PlanInvalid(InvalidInput):
    code = "plan_invalid"


class WeakPassword(ServiceError):
    status, code = 422, "weak_password"


class QuotaExceeded(ServiceError):
    status, code = 429, "quota_exceeded"


class TooManyAttempts(ServiceError):
    status, code = 429, "too_many_attempts"


class Unavailable(ServiceError):
    status, code = 503, "unavailable"
