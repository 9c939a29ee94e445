"""The tree under points/ is a table of contents of the domain: a package per concept, imports that run one way.

Imports are read from the source (every `import` statement, inside functions too), so a cycle hidden in a
function-level import is found as well.
"""
import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("pages", "ui", "points", "db")  # each may import only those to its right


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, whether the import sits inside a function) for every import in the file."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nested = {id(node) for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
              for node in ast.walk(fn) if node is not fn}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in nested) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(f"{node.module}.{alias.name}", id(node) in nested) for alias in node.names]
    return found


def _sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "points" and len(parts) > 1 else None


def _package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in _sources("points"):
        source = _package_of(_module_name(path))
        for imported, _ in _imports(path):
            target = _package_of(imported)
            if source and target and target != source and (ROOT / "points" / target).is_dir():
                graph[source].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph as a path, or [] (depth-first search with colours)."""
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str]:
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return path[path.index(target):] + [target] if target in path else [node, target]
            if target not in state and (found := visit(target, path + [target])):
                return found
        state[node] = "done"
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return []


def test_every_module_of_the_domain_sits_in_a_package_that_says_what_it_owns():
    loose = [path.name for path in (ROOT / "points").glob("*.py") if path.name != "__init__.py"]
    assert loose == []
    for package in (path for path in (ROOT / "points").iterdir() if path.is_dir() and path.name != "__pycache__"):
        docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
        assert docstring and len(docstring) > 40, package.name


def test_no_cycle_between_the_domains_packages():
    assert _cycle(_package_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) in (["a", "b", "c", "a"], ["b", "c", "a", "b"])
    assert _cycle({"a": {"b"}, "b": {"c"}}) == []


def test_the_domain_imports_at_the_top_of_its_modules():
    """A function-level import hides a cycle or a slow start-up; the domain has neither excuse."""
    hidden = [f"{path.relative_to(ROOT)}: {name}" for path in _sources("points")
              for name, inside in _imports(path) if inside and name.startswith(("points", "db"))]
    assert hidden == []


def test_imports_run_downward_pages_ui_points_db():
    upward = [f"{path.relative_to(ROOT)}: {name}" for index, layer in enumerate(LAYERS) for path in _sources(layer)
              for name, _ in _imports(path) if name.split(".")[0] in LAYERS[:index]]
    assert upward == []
