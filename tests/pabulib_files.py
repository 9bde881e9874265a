"""Where the real Pabulib elections live for tests: `../shared/data/pabulib/` beside the repository.

They are not part of the repository, so tests that read them skip (with `needs_pabulib`) where
the directory is absent instead of failing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

PABULIB_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "pabulib"

SKIP_REASON = (
    f"../shared/data/pabulib is absent: the real Pabulib files are read from {PABULIB_DIR}, "
    "which is not part of the repository"
)

needs_pabulib = pytest.mark.skipif(not PABULIB_DIR.is_dir(), reason=SKIP_REASON)


def pabulib_files() -> list[Path]:
    """The `.pb` files of the shared directory by name (none when it is absent)."""
    if not PABULIB_DIR.is_dir():
        return []
    return sorted(PABULIB_DIR.glob("*.pb"))


def pabulib_path(stem: str) -> Path:
    """The path of one shared file by its name without `.pb`; skips the test where the directory is absent."""
    if not PABULIB_DIR.is_dir():
        pytest.skip(SKIP_REASON)
    return PABULIB_DIR / f"{stem}.pb"
