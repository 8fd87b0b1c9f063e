"""The layers of `.importlinter` hold, and an import against them breaks them.

`make lint` runs `lint-imports` on the code as it is; these tests check the contracts
themselves on the same import graph: kept as it is, broken once an import goes up a layer
or two apps import each other. A contract that no longer catches that fails here.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import grimp
import pytest
from importlinter.api import read_configuration
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.layers import LayersContract

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_TYPES = {"layers": LayersContract, "acyclic_siblings": AcyclicSiblingsContract}
LAYERS = "Apps import only the layers below them"
ACYCLIC = "No import cycles between apps"


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return read_configuration(str(ROOT / ".importlinter"))


@pytest.fixture(scope="module")
def graph(config: dict[str, Any]) -> grimp.ImportGraph:
    return grimp.build_graph(*config["session_options"]["root_packages"], cache_dir=None)


def broken(config: dict[str, Any], graph: grimp.ImportGraph, *added: tuple[str, str]) -> set[str]:
    """Names of the contracts broken once `added` (importer, imported) pairs are imported."""
    graph = copy.deepcopy(graph)
    for importer, imported in added:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import x")
    names = set()
    for options in config["contracts_options"]:
        contract = CONTRACT_TYPES[options["type"]](
            name=options["name"], session_options=config["session_options"], contract_options=options
        )
        if not contract.check(copy.deepcopy(graph), verbose=False).kept:
            names.add(options["name"])
    return names


def test_every_contract_type_is_known(config):
    assert {options["type"] for options in config["contracts_options"]} <= set(CONTRACT_TYPES)


def test_the_code_keeps_every_contract(config, graph):
    assert broken(config, graph) == set()


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("balai.core.ids", "balai.people.models"),  # core above nothing
        ("balai.core.models", "balai.regions.models"),  # the foreign keys core used to have
        ("balai.audit.services", "balai.accounts.models"),
        ("balai.regions.services", "balai.accounts.models"),
        ("balai.people.services", "balai.kiosk.views"),  # domain -> interface
        ("balai.letters.services", "balai.api.errors"),
        ("balai.devices.services", "balai.staff.models"),
        ("balai.staff.attendance", "balai.letters.models"),
        ("balai.kiosk.views", "balai.dashboard.views"),  # interfaces stay independent
        ("balai.dashboard.views", "balai.devtools.demo"),
    ],
)
def test_an_import_up_the_layers_breaks_the_layers(config, graph, importer, imported):
    # (Usually a cycle between the two apps as well.)
    assert LAYERS in broken(config, graph, (importer, imported))


def test_an_upward_import_through_a_third_module_breaks_the_layers(config, graph):
    # core -> people only through a module of health: still core depending on people.
    assert LAYERS in broken(
        config, graph, ("balai.core.qr", "balai.health.who"), ("balai.health.who", "balai.people.codes")
    )


def test_domain_apps_may_use_each_other_but_not_in_a_circle(config, graph):
    assert broken(config, graph, ("balai.aid.services", "balai.letters.numbering")) == set()
    assert broken(
        config,
        graph,
        ("balai.aid.services", "balai.letters.numbering"),
        ("balai.letters.services", "balai.aid.selectors"),
    ) == {ACYCLIC}


# Modules a server start may import must work without faker, a development dependency: every
# module of balai except the demo and bench ones (and tests and migrations) is imported here
# with faker (and factory_boy, which needs it) made unimportable.
FAKER_FREE = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    sys.modules["faker"] = None
    sys.modules["factory"] = None
    import django
    django.setup()
    import balai
    failed = []
    for info in pkgutil.walk_packages(balai.__path__, "balai."):
        parts = info.name.split(".")
        if {"tests", "migrations"} & set(parts) or parts[-1] in {"demo", "bench", "__main__"}:
            continue
        try:
            importlib.import_module(info.name)
        except ImportError as exc:
            failed.append(f"{info.name}: {exc}")
    import config.urls, config.wsgi
    print("\\n".join(failed))
    sys.exit(1 if failed else 0)
    """
)


def test_the_server_runs_without_faker():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    done = subprocess.run(
        [sys.executable, "-c", FAKER_FREE], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
