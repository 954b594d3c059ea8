"""Password rules (OWASP ASVS 2.1): a minimum length, no upper limit below 64, no
composition rules, and a check against common and trivially guessable passwords."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from prompt2mesh.service.errors import WeakPassword

_LIST = Path(__file__).with_name("common_passwords.txt")
_SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case)."""
    lines = _LIST.read_text().splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def check_password(password: str, *, username: str, min_length: int) -> None:
    """Refuse a password an attacker would try early.

    Raises:
        WeakPassword: too short, blank, common, a run of one character or a sequence, or
            the username itself.
    """
    if len(password) < min_length:
        raise WeakPassword(f"the password needs at least {min_length} characters")
    folded = password.casefold()
    squeezed = re.sub(r"\s+", "", folded)
    if not squeezed:
        raise WeakPassword("the password cannot be only spaces")
    if len(set(squeezed)) <= 2:
        raise WeakPassword("the password repeats one or two characters; choose something less guessable")
    if folded in common_passwords() or squeezed in common_passwords() or _base(folded) in common_passwords():
        raise WeakPassword("the password is one of the most common passwords; choose another")
    if any(squeezed in seq or squeezed in seq[::-1] for seq in _SEQUENCES):
        raise WeakPassword("the password is a keyboard or number sequence; choose another")
    name = username.casefold()
    if squeezed == name or (len(name) >= 4 and name in squeezed and len(squeezed) - len(name) < 4):
        raise WeakPassword("the password is too close to the username")


def _base(folded: str) -> str:
    # "Password123!" and "password!" are the same guess as "password".
    return re.sub(r"[\d\W_]+$", "", folded)
