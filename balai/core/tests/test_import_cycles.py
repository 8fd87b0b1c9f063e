"""No import circle between any two modules of the project.

The graph is grimp's (the library behind import-linter): every `import` statement counts,
also one inside a function and one under `if TYPE_CHECKING:`. A lazy import still makes two
modules depend on each other, and a type-only one still says each knows the other; a circle is
broken by moving code to where it belongs, not by hiding an import. Tests and migrations are
left out: they may import anything, and nothing imports them.

Two imports Python makes that no statement shows are added: importing `a.b.c` first runs the
`__init__` of `a.b` (unless the importer is inside `a.b` already, which Python has loaded
first), and a package in DISCOVERING imports each of its modules through importlib.
"""

from __future__ import annotations

from collections import deque

import grimp

PACKAGES = ("balai", "config")
# Packages whose __init__ imports every module in them at run time (pkgutil + importlib).
DISCOVERING = ("balai.letters.types",)


def _counted(module: str) -> bool:
    parts = module.split(".")
    return "tests" not in parts and "migrations" not in parts


def import_graph() -> grimp.ImportGraph:
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    for package in DISCOVERING:
        for module in graph.find_children(package):
            graph.add_import(
                importer=package, imported=module, line_number=0, line_contents="through importlib"
            )
    return graph


def _packages_run(importer: str, imported: str) -> list[str]:
    """The packages whose `__init__` importing `imported` runs, beyond those of `importer`."""
    parts = imported.split(".")
    packages = [".".join(parts[:n]) for n in range(1, len(parts))]
    return [p for p in packages if importer != p and not importer.startswith(p + ".")]


def imports_of(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    """module -> the project modules it imports, and the packages whose `__init__` that runs;
    tests and migrations left out."""
    modules = {m for m in graph.modules if _counted(m)}
    imports = {}
    for module in modules:
        imported = graph.find_modules_directly_imported_by(module)
        runs = {p for i in imported for p in _packages_run(module, i)}
        imports[module] = (imported | runs) & modules
    return imports


def _reached(start: str, edges: dict[str, set[str]]) -> set[str]:
    """Modules reached from `start` through one import or more."""
    seen: set[str] = set()
    todo = deque(edges.get(start, ()))
    while todo:
        module = todo.popleft()
        if module not in seen:
            seen.add(module)
            todo.extend(edges.get(module, ()))
    return seen


def cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or through others (the strongly
    connected components of more than one module, or a module importing itself)."""
    importers: dict[str, set[str]] = {}
    for module, imported in imports.items():
        for other in imported:
            importers.setdefault(other, set()).add(module)
    found: list[list[str]] = []
    placed: set[str] = set()
    for module in sorted(imports):
        if module in placed:
            continue
        group = _reached(module, imports) & _reached(module, importers)  # empty unless on a circle
        if group:
            placed |= group
            found.append(sorted(group))
    return found


def describe(graph: grimp.ImportGraph, group: list[str], imports: dict[str, set[str]]) -> str:
    """The group's modules and every import between them, with its line numbers."""
    members = set(group)
    steps = [f"{len(group)} modules: {', '.join(group)}"]
    for importer in group:
        for imported in sorted(imports[importer] & members):
            details = graph.get_import_details(importer=importer, imported=imported)
            # an added import has no line: its contents say what makes it
            where = sorted((d["line_number"], d["line_contents"]) for d in details)
            how = ", ".join(f"line {n}" if n else text for n, text in where)
            how = how or "runs its __init__ by importing a module inside it"
            steps.append(f"  {importer} -> {imported} ({how})")
    return "\n".join(steps)


def test_no_module_imports_itself_through_others():
    graph = import_graph()
    imports = imports_of(graph)
    found = cycles(imports)
    assert not found, "Import circles (move the code to where it belongs):\n" + "\n".join(
        describe(graph, group, imports) for group in found
    )


def test_a_circle_is_found_and_named():
    # given the real graph and one import added upward: core.errors importing a letters service
    graph = import_graph()
    graph.add_import(
        importer="balai.core.errors",
        imported="balai.letters.services.workflow",
        line_number=1,
        line_contents="",
    )
    imports = imports_of(graph)
    # when
    found = cycles(imports)
    # then
    assert len(found) == 1
    assert {"balai.core.errors", "balai.letters.services.workflow"} <= set(found[0])
    message = describe(graph, found[0], imports)
    assert "balai.core.errors -> balai.letters.services.workflow (line 1)" in message


def test_imports_inside_functions_and_for_type_checking_count(tmp_path, monkeypatch):
    # given a package whose two modules know each other only lazily and for the type checker
    package = tmp_path / "circle_sample"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "first.py").write_text("def f():\n    from circle_sample import second\n")
    (package / "second.py").write_text(
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from circle_sample import first\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    # when
    found = cycles(imports_of(grimp.build_graph("circle_sample", cache_dir=None)))
    # then
    assert found == [["circle_sample.first", "circle_sample.second"]]


def test_a_package_init_run_by_an_import_counts(tmp_path, monkeypatch):
    # given a package whose __init__ imports a module that imports one of the package's modules
    package = tmp_path / "init_sample"
    (package / "inner").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "inner" / "__init__.py").write_text("from init_sample import outer\n")
    (package / "inner" / "leaf.py").write_text("")
    (package / "outer.py").write_text("from init_sample.inner import leaf\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    # when
    graph = grimp.build_graph("init_sample", cache_dir=None)
    imports = imports_of(graph)
    found = cycles(imports)
    # then
    assert found == [["init_sample.inner", "init_sample.outer"]]
    assert "init_sample.outer -> init_sample.inner (runs its __init__" in describe(graph, found[0], imports)
