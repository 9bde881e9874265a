"""Checks that read a domain module's source: refusals are translatable and filled in,
and the module imports only the standard library and other domain modules."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path
from types import ModuleType


def tree(module: ModuleType) -> ast.Module:
    return ast.parse(Path(module.__file__).read_text())


def declared_codes(module: ModuleType, pattern: str) -> set[str]:
    return set(re.findall(pattern, Path(module.__file__).read_text()))


def assert_filled(refusal) -> None:
    """Every %(name)s placeholder has its parameter, and the sentence ends properly."""
    assert set(re.findall(r"%\((\w+)\)s", refusal.message)) <= set(refusal.params)
    filled = refusal.message % refusal.params
    assert "%(" not in filled and filled.endswith(".")


def refusal_calls(module: ModuleType) -> list[ast.Call]:
    return [node for node in ast.walk(tree(module))
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Refusal"]


def assert_marked_for_translation(call: ast.Call) -> None:
    # Babel only extracts literals wrapped in N_(...); a bare string would stay English.
    message = call.args[1]
    assert isinstance(message, ast.Call) and message.func.id == "N_", ast.unparse(call)
    assert isinstance(message.args[0], ast.Constant)


def imports_outside_stdlib(module: ModuleType) -> set[str]:
    imported = set()
    for node in ast.walk(tree(module)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    return {m for m in imported if m.split(".")[0] not in sys.stdlib_module_names}
