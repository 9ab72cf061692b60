"""The way through the code (docs/architecture.md): every module imports only from its own stage or the stages
before it, no two modules import each other (directly or round a longer loop, lazy imports included), and no
private name (`_x`) is imported from another package. Read from the source with `ast`, so a lazy import inside a
function counts as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"

# Stage of each top-level part of the package, in the order data flows through them. A module may import from its
# own stage and from any earlier one; batch and web are clients of the pipeline and do not import each other.
STAGES: dict[str, int] = {
    "limits": 0, "findings": 0, "files": 0,
    "model": 1, "yamlout": 1,
    "readers": 2,
    "packs": 3,
    "checks": 4,
    "document": 5,
    "writers": 6,
    "pipeline": 7,
    "batch": 8, "web": 8, "audit": 8,
    "cli": 9, "__main__": 9,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str, path: Path) -> list[tuple[str, str, int]]:
    """(imported module, imported name or "", line) for every import of a `generator` module in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                if node.level > 1:
                    base = base[: -(node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "generator" or target.startswith("generator."):
                for alias in node.names:
                    found.append((target, alias.name, node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "generator" or alias.name.startswith("generator."):
                    found.append((alias.name, "", node.lineno))
    return found


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def resolve(target: str, name: str, known: dict[str, Path]) -> str:
    """The module an import really depends on: `from generator.model import forms` is the module `model.forms`."""
    if name and f"{target}.{name}" in known:
        return f"{target}.{name}"
    return target


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for target, imported, _line in imports(name, path):
            module = resolve(target, imported, known)
            if module in known and module != name:
                edges[name].add(module)
    return edges


def test_every_part_has_a_stage():
    unplaced = sorted({stage_of(m) for m in modules()} - set(STAGES) - {None})
    assert not unplaced, f"add these to STAGES (and docs/architecture.md): {unplaced}"


def test_no_import_runs_back_up_the_stages():
    known = modules()
    back = []
    for name, path in known.items():
        own = stage_of(name)
        if own is None:
            continue
        for target, imported, line in imports(name, path):
            other = stage_of(resolve(target, imported, known))
            if other is None or other == own:
                continue
            if STAGES[other] > STAGES[own] or (STAGES[other] == STAGES[own] and {own, other} == {"batch", "web"}):
                back.append(f"{path.relative_to(ROOT)}:{line} ({own}) imports {target} ({other})")
    assert not back, "\n".join(back)


def test_no_import_cycle():
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(edges[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert not cycles, "modules that import each other: " + "; ".join(" ↔ ".join(c) for c in cycles)


def test_no_private_name_crosses_a_package():
    known = modules()
    crossings = []
    for name, path in known.items():
        home = name.rsplit(".", 1)[0] if path.name != "__init__.py" else name
        for target, imported, line in imports(name, path):
            module = resolve(target, imported, known)
            target_home = module if (known.get(module) and known[module].name == "__init__.py") else module.rsplit(
                ".", 1)[0]
            private = imported.startswith("_") and not imported.startswith("__")
            if private and target_home != home:
                crossings.append(f"{path.relative_to(ROOT)}:{line} imports {imported} from {target}")
    assert not crossings, "\n".join(crossings)


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_the_map_names_every_stage(stage):
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert f"`{stage}" in text, f"docs/architecture.md does not mention {stage}"


def test_importing_and_checking_leave_weasyprint_alone():
    """The PDF speed-ups are switched on by an explicit call (pipeline.prepare_rendering), never by an import: a
    process that imports every stage and client and checks a report (`check`, `rollup`) loads and patches nothing of
    WeasyPrint."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "import generator.pipeline, generator.batch.rollup, generator.batch.worker, generator.batch.runner\n"
        "import generator.writers, generator.writers.pdf, generator.web.service, generator.cli\n"
        "from generator.pipeline import check_file\n"
        f"assert check_file({str(ROOT / 'inputs' / 'xilinhot-2021.yaml')!r}).ok\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('weasyprint', 'pydyf', 'generator.writers.pdf.')))\n"
        "print(loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
