"""Second factor rules that need no database: code shapes, recovery codes, half-done logins."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: recovery codes are read off paper and typed by hand.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10  # about 49 bits each: far beyond guessing under the login rate limit
TOTP_DIGITS = 6
# A password-checked login waits this long for its code, then must start again.
HALF_LOGIN_TTL = timedelta(minutes=5)
HALF_LOGIN_MAX_TRIES = 5


def normalise_code(raw: str | None) -> str:
    """What the person typed, without spaces or dashes, lower-cased."""
    return "".join(ch for ch in (raw or "").lower() if ch not in " -\t")


def is_totp_shape(code: str) -> bool:
    return len(code) == TOTP_DIGITS and code.isdigit()


def is_recovery_shape(code: str) -> bool:
    return len(code) == RECOVERY_LENGTH and all(ch in RECOVERY_ALPHABET for ch in code)


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    return ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
            for _ in range(count)]


def display_recovery_code(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def half_login_expired(started_at: datetime, now: datetime) -> bool:
    return now - started_at > HALF_LOGIN_TTL or started_at > now + timedelta(minutes=1)


def accepted_step(candidates: dict[int, bool], last_step: int | None) -> int | None:
    """The time step a code matched, from {step: matched}; None when it matched none, or
    only steps at or before the last one used (a replayed code)."""
    matched = [step for step, ok in sorted(candidates.items()) if ok]
    for step in matched:
        if last_step is None or step > last_step:
            return step
    return None
