"""Every import points one way (README, "Layout"): this test is the rule, not a comment.

channels, actions, nlp -> content -> (runtime.settings only);
tooling (scripts, deploy, bench) -> product, never the reverse; nothing imports tests.
"""

from __future__ import annotations

import ast

import pytest

from runtime.settings import ROOT

PROJECT = {"actions", "bench", "channels", "content", "deploy", "evaluation", "nlp"}
PROJECT |= {"insights", "runtime", "scripts", "tests"}
RASA = {"rasa", "rasa_sdk", "sanic", "aiogram", "fbmessenger", "twilio", "spacy"}

# package -> the project packages (or single modules) it may import besides itself.
ALLOWED: dict[str, set[str]] = {
    "content": {"runtime.settings"},
    "nlp": {"content", "runtime.settings"},
    "actions": {"content"},
    "channels": {
        "content",
        "nlp",
        "runtime.settings",
        "runtime.privacy",
        "runtime.feedback",
        "runtime.rasa_compat",
    },
    "runtime": {"content"},
    "evaluation": {"content", "runtime"},
    "scripts": {"content", "runtime", "nlp", "channels", "actions", "evaluation", "insights"},
    "insights": {"content", "runtime"},
    "deploy": {"content", "runtime"},
    "bench": {"content", "runtime", "evaluation", "deploy", "nlp"},
}
# Packages that must run without Rasa or any channel library.
RASA_FREE = {"content"}


def imports_of(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from runtime import settings` imports runtime.settings, not all of runtime
            if "." in node.module:
                names.add(node.module)
            else:
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def allowed(package: str, name: str) -> bool:
    top = name.split(".")[0]
    if top not in PROJECT or top == package:
        return True
    return any(name == rule or name.startswith(rule + ".") for rule in ALLOWED[package])


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_one_way(package):
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in imports_of(path)
        if not allowed(package, name)
    }
    assert wrong == set()


@pytest.mark.parametrize("package", sorted(RASA_FREE))
def test_content_knows_nothing_of_rasa(package):
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in imports_of(path)
        if name.split(".")[0] in RASA
    }
    assert wrong == set()


def test_no_product_or_tooling_module_imports_the_tests():
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for package in ALLOWED
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in imports_of(path)
        if name.split(".")[0] == "tests"
    }
    assert wrong == set()


def test_the_rule_itself_catches_a_wrong_import(tmp_path):
    # A test that can fail: an action importing a channel, and content importing Rasa.
    bad = tmp_path / "bad.py"
    bad.write_text("from channels.rest import GuardedRestInput\nimport rasa.core\n")
    names = imports_of(bad)
    assert not allowed("actions", "channels.rest")
    assert "channels.rest" in names and "rasa.core" in names
    assert {n.split(".")[0] for n in names} & RASA


def test_every_project_package_is_covered():
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    assert packages - {"tests"} == set(ALLOWED), "add the new package to ALLOWED"
