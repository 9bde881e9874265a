"""The domain package stays plain Python: no web framework, no database layer."""

from __future__ import annotations

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[1] / "ypb" / "domain"
FORBIDDEN = ("flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "jinja2", "wtforms")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_imports_no_flask_or_sqlalchemy():
    files = list(DOMAIN.glob("*.py"))
    assert len(files) >= 4
    offenders = {
        f.name: sorted(m for m in imported_modules(f) if m.split(".")[0] in FORBIDDEN)
        for f in files
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_domain_imports_only_domain_modules_from_ypb():
    for f in DOMAIN.glob("*.py"):
        for module in imported_modules(f):
            if module.startswith("ypb"):
                assert module.startswith("ypb.domain"), (f.name, module)
