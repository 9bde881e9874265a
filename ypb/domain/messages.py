"""How the pure domain says "no" in words the web layer can translate.

The domain cannot import gettext, so it marks messages with `N_` (which Babel's
extractor knows) and the caller translates them before filling in the parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def N_(message: str) -> str:
    return message


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)
