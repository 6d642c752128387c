"""The core package never imports streamlit: checked in fresh interpreters and in the source."""

from __future__ import annotations

import ast
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import asmgeo

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = REPO_ROOT / "asmgeo"
CHECK = "import sys; assert 'streamlit' not in sys.modules, sorted(m for m in sys.modules if m.startswith('streamlit'))"


def _core_modules() -> list[str]:
    """``asmgeo`` and every ``asmgeo.*`` module, subpackages included, except ``__main__`` (which runs the CLI)."""
    names = [info.name for info in pkgutil.walk_packages(asmgeo.__path__, "asmgeo.")]
    return ["asmgeo", *sorted(name for name in names if name != "asmgeo.__main__")]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASMGEO_")}
    env["PYTHONPATH"] = str(REPO_ROOT)
    return env


def test_the_module_list_is_not_trivially_empty():
    modules = _core_modules()
    on_disk = {".".join(("asmgeo", *p.relative_to(PACKAGE_DIR).with_suffix("").parts)).removesuffix(".__init__")
               for p in PACKAGE_DIR.rglob("*.py") if p.stem != "__main__"}
    assert on_disk <= set(modules)
    assert {"asmgeo.store", "asmgeo.maps.base", "asmgeo.demo.layers", "asmgeo.cli"} <= set(modules)


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=_env(),
                          capture_output=True, text=True, timeout=120)


def test_importing_asmgeo_in_a_fresh_interpreter_does_not_import_streamlit():
    result = _run(f"import asmgeo; {CHECK}")
    assert result.returncode == 0, result.stderr


def test_every_core_module_imports_without_streamlit_in_a_fresh_interpreter():
    """A fresh interpreter imports the modules one by one and checks after each.

    The first module after which streamlit is loaded is the one that pulls it in; one
    interpreter for all keeps the test quick (a fresh one per module costs ~0.6 s each).
    """
    code = (
        "import importlib, sys\n"
        f"modules = {_core_modules()!r}\n"
        "culprits = []\n"
        "for name in modules:\n"
        "    importlib.import_module(name)\n"
        "    if 'streamlit' in sys.modules:\n"
        "        culprits.append(name)\n"
        "        break\n"
        "print(len(modules), 'modules')\n"
        "assert not culprits, f'streamlit is imported by {culprits}'\n"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr.strip().splitlines()[-1:]
    assert result.stdout.split()[0] == str(len(_core_modules()))


def test_running_the_cli_module_does_not_import_streamlit():
    code = (
        "import runpy, sys\n"
        "sys.argv = ['asmgeo', '--help']\n"
        "try:\n"
        "    runpy.run_module('asmgeo', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
        f"{CHECK}\n"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert "usage" in result.stdout.lower()


def _streamlit_imports(path: Path) -> list[str]:
    """``import streamlit`` / ``from streamlit...`` statements in one file, as 'line: text'."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        if any(name == "streamlit" or name.startswith("streamlit.") for name in names):
            found.append(f"{path.name}:{node.lineno}")
    return found


def test_no_core_source_file_imports_streamlit():
    files = sorted(PACKAGE_DIR.rglob("*.py"))
    assert len(files) >= 10
    offenders = [hit for path in files for hit in _streamlit_imports(path)]
    assert offenders == []


def test_the_static_check_would_catch_an_import(tmp_path):
    """Guard against a checker that can never fail."""
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nif True:\n    from streamlit.testing import v1\nimport json, streamlit as st\n")
    assert sorted(_streamlit_imports(sample)) == ["sample.py:3", "sample.py:4"]
