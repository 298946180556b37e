"""The floors of ecgtf: every module imports only from its own floor or the floors below, with no cycle.

Every import is counted, also those inside functions (a deferred import may keep a heavy optional dependency
lazy, never hide a cycle). A package importing its own submodules is not counted (its re-exports), and a
submodule importing its package is not either. Generic code never names a model: outside
``ecgtf/models/<name>/`` and the registry, no import of a model folder and no string equal to a model's name.
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("ecgtf", "export")

FLOORS = [
    ("core", ("ecgtf", "ecgtf.arguments", "ecgtf.configs", "ecgtf.backend", "ecgtf.lazy", "ecgtf.leads", "ecgtf.intervals", "ecgtf.files", "ecgtf.io", "ecgtf.metrics",
              "ecgtf.plots", "ecgtf.progress", "ecgtf.quality", "ecgtf.windows", "ecgtf.preprocessing",
              "ecgtf.scores", "ecgtf.synthesis_metrics")),
    ("data", ("ecgtf.data",)),
    ("registry, runs, training template, LiteRT runner", ("ecgtf.registry", "ecgtf.runs", "ecgtf.trainer", "ecgtf.callbacks",
                                                         "ecgtf.lite")),
    ("kits", ("ecgtf.kits",)),
    ("models", ("ecgtf.models",)),
    ("user API", ("ecgtf.denoising", "ecgtf.output", "ecgtf.personal", "ecgtf.streaming", "ecgtf.presets", "ecgtf.reconstructor", "ecgtf.user_api")),
    ("evaluations", ("ecgtf.reconstruction_eval", "ecgtf.interval_eval", "ecgtf.personal_eval", "ecgtf.synthesis_quality",
                     "ecgtf.synthesis_bench")),
    ("export", ("export",)),
    ("CLI", ("ecgtf.cli", "ecgtf.__main__")),
]
"""Floor name and the module prefixes on it, lowest first (a top package, ``ecgtf``, stands for itself only: every
module must be placed on a floor here)."""
REGISTRY_FILES = {"ecgtf/registry.py", "ecgtf/models/__init__.py"}

KNOWN_UPWARD: set[tuple[str, str]] = set()
"""Upward imports not yet removed, each with its reason; the test fails on any other, and on one that is gone
(so the list only shrinks)."""
KNOWN_NAMING: set[tuple[str, str]] = set()
"""(file, model package) pairs still naming a model outside its folder; same rules as :data:`KNOWN_UPWARD`."""


def module_of(path: Path) -> str:
    mod = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return mod[: -len(".__init__")] if mod.endswith(".__init__") else mod


def floor_of(mod: str) -> int:
    best, level = -1, None
    for k, (_, prefixes) in enumerate(FLOORS):
        for p in prefixes:
            if (mod == p or (mod.startswith(p + ".") and p != "ecgtf")) and len(p) > best:
                best, level = len(p), k
    assert level is not None, f"{mod} is on no floor: add it to FLOORS in {__file__}"
    return level


def model_folders() -> set[str]:
    base = ROOT / "ecgtf" / "models"
    return {d.name for d in base.iterdir() if (d / "__init__.py").exists() and not d.name.startswith("_")}


def imports(path: Path, mod: str):
    """(line, imported module name) for every import in the file, deferred ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = mod.split(".") if is_pkg else mod.split(".")[:-1]
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            yield node.lineno, base
            for a in node.names:
                yield node.lineno, f"{base}.{a.name}"


def graph():
    files = sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if "__pycache__" not in p.parts)
    mods = {module_of(f): f for f in files}
    edges = defaultdict(set)
    where = {}
    for mod, f in mods.items():
        for line, name in imports(f, mod):
            parts = name.split(".")
            for k in range(len(parts), 0, -1):
                target = ".".join(parts[:k])
                if target in mods and target != mod:
                    if not mod.startswith(target + ".") and not target.startswith(mod + "."):
                        edges[mod].add(target)
                        where.setdefault((mod, target), f"{f.relative_to(ROOT)}:{line}")
                    break
    return mods, edges, where


def strongly_connected(nodes, edges):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in nodes:
        if v not in index:
            visit(v)
    return out


def test_no_import_goes_up_a_floor():
    mods, edges, where = graph()
    pairs = {(a, b) for a in edges for b in edges[a] if floor_of(b) > floor_of(a)}
    upward = [f"{where[(a, b)]}: {a} ({FLOORS[floor_of(a)][0]}) imports {b} ({FLOORS[floor_of(b)][0]})"
              for a, b in sorted(pairs - KNOWN_UPWARD)]
    assert not upward, "imports that go up a floor:\n" + "\n".join(upward)
    assert not KNOWN_UPWARD - pairs, f"fixed, remove from KNOWN_UPWARD: {sorted(KNOWN_UPWARD - pairs)}"


def test_no_import_cycle():
    import sys

    sys.setrecursionlimit(10000)
    mods, edges, where = graph()
    cycles = strongly_connected(list(mods), edges)
    detail = []
    for comp in cycles:
        members = set(comp)
        detail.append(" → ".join(comp) + "\n  " + "\n  ".join(
            f"{where[(a, b)]}: {a} → {b}" for a in comp for b in sorted(edges[a]) if b in members))
    assert not cycles, "import cycles:\n" + "\n".join(detail)


def test_model_folders_do_not_import_each_other():
    mods, edges, where = graph()
    models = model_folders()

    def folder(mod):
        parts = mod.split(".")
        return parts[2] if len(parts) > 2 and parts[:2] == ["ecgtf", "models"] and parts[2] in models else None

    crossing = [f"{where[(a, b)]}: {a} → {b}" for a in sorted(edges) for b in sorted(edges[a])
                if folder(a) and folder(b) and folder(a) != folder(b)]
    assert not crossing, "a model folder imports another (use a kit or the registry):\n" + "\n".join(crossing)


def test_generic_code_names_no_model():
    models = model_folders()
    named, known = [], set()
    for pkg in PACKAGES:
        for f in sorted((ROOT / pkg).rglob("*.py")):
            rel = f.relative_to(ROOT).as_posix()
            if rel in REGISTRY_FILES or rel.startswith("ecgtf/models/") or "__pycache__" in rel:
                continue
            mod = module_of(f)
            tree = ast.parse(f.read_text(encoding="utf-8"))
            for line, name in imports(f, mod):
                parts = name.split(".")
                if parts[:2] == ["ecgtf", "models"] and len(parts) > 2 and parts[2] in models:
                    if (rel, ".".join(parts[:3])) in KNOWN_NAMING:
                        known.add((rel, ".".join(parts[:3])))
                        continue
                    named.append(f"{rel}:{line} imports {name}")
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in models:
                    named.append(f"{rel}:{node.lineno} names {node.value!r}")
    assert not named, "generic code names a model (dispatch through ecgtf.registry):\n" + "\n".join(sorted(set(named)))
    assert known == KNOWN_NAMING, f"fixed, remove from KNOWN_NAMING: {sorted(KNOWN_NAMING - known)}"


def test_the_check_finds_what_it_is_for(tmp_path):
    """The checker itself: a deferred upward import and a two-module cycle in a scratch tree are reported."""
    pkg = tmp_path / "ecgtf"
    (pkg / "data").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "data" / "__init__.py").write_text("")
    (pkg / "leads.py").write_text("def f():\n    from ecgtf.data import a\n")
    (pkg / "data" / "a.py").write_text("from ecgtf.data import b\n")
    (pkg / "data" / "b.py").write_text("def g():\n    import ecgtf.data.a\n")
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "__init__.py").write_text("")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        mods, edges, where = graph()
        assert "ecgtf.data" in edges["ecgtf.leads"] or "ecgtf.data.a" in edges["ecgtf.leads"]
        assert strongly_connected(list(mods), edges) == [["ecgtf.data.a", "ecgtf.data.b"]]
        assert floor_of("ecgtf.data.a") > floor_of("ecgtf.leads")
    finally:
        ROOT = saved
