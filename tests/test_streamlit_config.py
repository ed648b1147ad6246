"""The app's Streamlit settings (.streamlit/config.toml) and what they guard against.

- `runner.magicEnabled = false`: a bare expression in a page is never written to the page. With magic on, a
  conditional expression used as a statement in Aufschlüsselung's bar-click callback wrote "None" above the
  page on every click. The AST check below uses Streamlit's own magic transform, so it also fails if magic is
  switched on again while a page holds such a statement.
- `runner.postScriptGC = false`: no full garbage collection (≈ 100 ms, GIL held) after every script run.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
from streamlit.runtime.scriptrunner import magic

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]


def _settings() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_magic_and_the_full_collection_after_each_run_are_off():
    runner = _settings()["runner"]
    assert runner["magicEnabled"] is False
    assert runner["postScriptGC"] is False


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_no_page_statement_would_be_written_by_magic(script):
    tree = magic.add_magic(script.read_text(encoding="utf-8"), str(script))
    written = [ast.unparse(node)[:120] for node in ast.walk(tree)
               if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr == "transparent_write"]
    assert not written, f"{script.name}: bare expressions that magic would write: {written}"


def test_the_check_finds_what_magic_would_write(tmp_path):
    """The check above can fail: the statement that wrote "None" on every bar click is found."""
    script = tmp_path / "page.py"
    script.write_text("def pick(chosen, label):\n"
                      "    chosen.remove(label) if label in chosen else chosen.append(label)\n", encoding="utf-8")
    tree = magic.add_magic(script.read_text(encoding="utf-8"), str(script))
    assert any(isinstance(n, ast.Attribute) and n.attr == "transparent_write" for n in ast.walk(tree))
