"""What a newcomer or an operator reads is in the repository and says what the code does:
the policy, contract and design carried in ``docs/`` (and the same as ``../shared/`` where a
clone sits beside that folder), every README link resolving, the layout table naming every
journey module, ``.env.example`` naming every setting the code reads, HELP (R16) listing
commands that exist, and the README's commands and serving claims matching the CLI."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from core.turns import Turn
from sms.keywords import parse
from vocabulary.interpret import interpret
from sms.replies import render

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
DOCUMENTS = ("POLICY.md", "CONTRACT.md", "DESIGN.md", "seed-help-article.txt")


# The product's own documents ----------------------------------------------------------------
def disagreements(docs: Path, shared: Path) -> list[str]:
    """The documents ``docs/`` lacks or holds otherwise than ``shared/`` does."""
    found = []
    for name in DOCUMENTS:
        if not (docs / name).is_file():
            found.append(f"docs/{name} is missing")
        elif (shared / name).is_file() and (shared / name).read_bytes() != (docs / name).read_bytes():
            found.append(f"docs/{name} differs from {shared / name}")
    return found


def test_the_policy_contract_design_and_help_article_are_in_the_repository():
    assert disagreements(ROOT / "docs", ROOT / "no-such-folder") == []
    policy = (ROOT / "docs" / "POLICY.md").read_text()
    assert "R1 " in policy and "R26 " in policy


def test_docs_agree_with_the_shared_folder_beside_the_clone_where_there_is_one():
    shared = ROOT.parent / "shared"
    if not shared.is_dir():
        pytest.skip("no ../shared/ beside this clone: docs/ is the only copy")
    assert disagreements(ROOT / "docs", shared) == []


def test_a_copy_that_drifted_from_shared_is_named(tmp_path):
    docs, shared = tmp_path / "docs", tmp_path / "shared"
    docs.mkdir()
    shared.mkdir()
    for name in DOCUMENTS:
        (docs / name).write_text("the same\n")
        (shared / name).write_text("the same\n")
    assert disagreements(docs, shared) == []
    (shared / "POLICY.md").write_text("R27 a new rule\n")
    (docs / "DESIGN.md").unlink()
    assert disagreements(docs, shared) == [f"docs/POLICY.md differs from {shared / 'POLICY.md'}",
                                           "docs/DESIGN.md is missing"]


# Every link resolves ------------------------------------------------------------------------
LINK = re.compile(r"\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\s]+)`")
TOP = ("core/", "ivr/", "sms/", "web/", "console/", "appstore/", "vocabulary/", "tests/", "docs/", "bench/", ".ci/")
ROOT_FILES = ("README.md", "SECURITY.md", "Procfile", "pyproject.toml", "gunicorn.conf.py", "wsgi.py", "dev.py",
              ".env.example")


def _exists(path: str) -> bool:
    path = path.split("::")[0].split("#")[0]
    return any(ROOT.glob(path)) if "*" in path else (ROOT / path).exists()


def test_every_readme_link_and_named_file_resolves_in_the_repository():
    links = LINK.findall(README)
    assert {"docs/POLICY.md", "docs/CONTRACT.md", "docs/DESIGN.md"} <= set(links)
    named = [p for p in CODE.findall(README) if p.startswith(TOP) or p in ROOT_FILES]
    assert len(named) > 40
    missing = [p for p in [*links, *named] if not p.startswith(("http://", "https://")) and not _exists(p)]
    assert missing == []
    assert "../" not in README, "a link out of the repository"


def test_every_other_markdown_file_links_only_inside_the_repository():
    for doc in [ROOT / "SECURITY.md", ROOT / "bench" / "README.md"]:
        text = doc.read_text()
        for target in LINK.findall(text):
            if not target.startswith(("http://", "https://", "#")):
                assert (doc.parent / target.split("#")[0]).exists(), (doc.name, target)
        assert "../shared" not in text, doc


# The layout table ---------------------------------------------------------------------------
def _layout_rows() -> list[tuple[str, str]]:
    table = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0].startswith("`"):
            rows.append((cells[0], cells[1]))
    return rows


def test_the_layout_table_names_every_journey_module_and_only_modules_that_exist():
    row = next(what for where, what in _layout_rows() if "`core/journeys/`" in where)
    named = {name for name in CODE.findall(row) if name.endswith(".py")}
    modules = {p.name for p in (ROOT / "core" / "journeys").glob("*.py")}
    assert named == modules, (sorted(modules - named), sorted(named - modules))
    assert "unblock.py" not in named and {"callback.py", "clarify.py"} <= named


def test_every_file_the_layout_table_names_exists_where_its_row_says():
    for where, what in _layout_rows():
        folders = [p for p in CODE.findall(where) if p.endswith("/")] or [""]
        for path in CODE.findall(where):
            assert _exists(path), path
        for name in CODE.findall(what):
            if re.fullmatch(r"[\w.-]+\.(py|sh|md|txt)", name):
                assert any((ROOT / f / name).exists() for f in folders), (where, name)


def test_every_package_is_in_the_layout_table():
    listed = " ".join(where for where, _ in _layout_rows())
    packages = sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in ("tests", "bench"))
    assert [p for p in packages if f"`{p}/" not in listed] == []


# .env.example: every setting the code reads -------------------------------------------------
PRODUCT = ["core", "ivr", "sms", "web", "console", "appstore", "vocabulary"]


def settings_read() -> set[str]:
    """Every environment variable the product reads: Settings.from_env's get("X") and each
    os.environ.get("X") / os.environ["X"] / os.getenv("X") in the product and gunicorn.conf.py."""
    names = set()
    files = [p for d in PRODUCT for p in (ROOT / d).rglob("*.py")] + [ROOT / "gunicorn.conf.py", ROOT / "wsgi.py"]
    for path in files:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                func = node.func
                name = ast.unparse(func)
                if name in ("os.environ.get", "os.getenv") or (path.name == "settings.py" and name in ("get", "env.get")):
                    names.add(node.args[0].value)
            elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
                if isinstance(node.slice, ast.Constant):
                    names.add(node.slice.value)
    from core import languages

    names |= {f"VOICE_{code.upper()}" for code in languages.CODES}  # derived from the language registry
    return {n for n in names if isinstance(n, str) and n.isupper()}


def env_example() -> set[str]:
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))


def test_env_example_names_every_setting_the_code_reads_and_nothing_else():
    read = settings_read()
    assert {"SECRET_KEY", "TWILIO_API_BASE", "APPSTORE_ROOT_CERTS", "APPSTORE_BUNDLE_ID", "APPSTORE_APP_APPLE_ID",
            "APPSTORE_ENVIRONMENT", "APPSTORE_ONLINE_CHECKS", "SUPPORT_HOURS", "WEB_CONCURRENCY"} <= read
    assert sorted(read - env_example()) == [], "read by the code but missing from .env.example"
    assert sorted(env_example() - read) == [], "in .env.example but read by nothing"


def test_every_setting_the_contract_names_is_in_env_example_once_the_code_reads_it():
    contract = (ROOT / "docs" / "CONTRACT.md").read_text().split("## Settings", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", contract))
    assert sorted((named & settings_read()) - env_example()) == []


# HELP (R16): every command it names exists --------------------------------------------------
def _help(lang: str) -> str:
    return render("help", None, brand="Second Line", lang=lang)


@pytest.mark.parametrize("lang, words, code", [
    ("en", ["PLANS", "MORE", "STOP PLAN", "CANCEL LINE", "REFUND", "REACTIVATE", "CHANGE NUMBER", "BLOCK", "UNBLOCK",
            "AGENT"], "CODE"),
    ("es", ["PLANES", "MAS", "CANCELAR PLAN", "CANCELAR LINEA", "REEMBOLSO", "REACTIVAR", "CAMBIAR NUMERO",
            "BLOQUEAR", "DESBLOQUEAR", "AGENTE"], "CODIGO"),
])
def test_help_lists_every_command_and_each_is_understood_R16(lang, words, code):
    from core import intents
    from core.reply import EXPECT_PIN

    text = _help(lang)
    listed = re.findall(r"\b[A-Z][A-Z]+(?: [A-Z][A-Z]+)*\b", text.split(":", 1)[1])
    opt_out = listed[-1]  # "Reply STOP to opt out" (R16)
    assert sorted(w for w in listed[:-1] if w != "PIN") == sorted([*words, code])
    for word in words:
        parsed = parse(word, lang)
        assert parsed.kind == "command", (word, parsed)
    assert interpret(Turn("sms", lang, EXPECT_PIN, text=code)).intent == intents.FORGOT  # at the PIN question (R21)
    assert parse(opt_out, lang).kind == "opt_out"


def test_the_readme_says_what_help_says(phone, demo):
    text = phone("+15557770001").text("HELP")
    assert text == _help("en")
    assert f'(en) "{_help("en")}"' in README and f'(es) "{_help("es")}"' in README
    paragraph = README.split("Text `HELP` for the commands:", 1)[1].split("\n\n", 1)[0]
    for word in ("PLANS", "MORE", "STOP PLAN", "CANCEL LINE", "REFUND", "REACTIVATE", "CHANGE NUMBER", "BLOCK",
                 "UNBLOCK", "AGENT", "CODE", "STOP", "START"):
        assert f"`{word}" in paragraph, word


def test_code_at_the_pin_question_asks_where_to_send_a_one_time_code_R21(phone, demo):
    dana = phone("+15557770001")
    dana.text("PLANS")
    assert "number" in dana.text("CODE").lower()


# Commands, dev.py and serving ---------------------------------------------------------------
def _cli_commands(app) -> set[str]:
    found = set()

    def walk(cmd, prefix):
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, [*prefix, name])
        else:
            found.add(" ".join(prefix))
    ctx = click.Context(app.cli)  # as the CLI finds them (wsgi.py's app.cli imports its own on first look-up)
    for name in app.cli.list_commands(ctx):
        walk(app.cli.get_command(ctx, name), [name])
    return found


def test_the_commands_table_names_every_command_and_only_commands_that_exist(app):
    commands = _cli_commands(app)
    table = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    named, unknown = set(), []
    for line in table.splitlines():
        if not line.startswith("| `switchboard"):
            continue
        group = None
        for chunk in re.findall(r"`([^`]+)`", line.split(" | ")[0]):
            words = [w for w in chunk.split() if re.fullmatch(r"[a-z][a-z-]*", w)]
            if words[:1] == ["switchboard"]:
                words = words[1:]
                group = words[0]
            for candidate in (" ".join(words[:2]), words[0], f"{group} {words[0]}"):
                if candidate in commands:
                    named.add(candidate)
                    break
            else:
                unknown.append(chunk)
    assert unknown == [], "named in the README but not a command"
    assert sorted(commands - named) == [], "commands missing from the README's table"
    assert "agents demo" in named


def test_dev_py_help_and_the_readme_both_give_run_port():
    out = subprocess.run([sys.executable, str(ROOT / "dev.py"), "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "run [--port N]" in out.stdout and "test [PYTEST ARGS]" in out.stdout
    assert "python3 dev.py run --port 5055" in README
    bad = subprocess.run([sys.executable, str(ROOT / "dev.py"), "run", "--port"], capture_output=True, text=True)
    assert bad.returncode != 0 and "needs a port number" in bad.stderr


def test_what_serve_runs_and_what_the_procfile_runs_are_what_the_readme_says(app, monkeypatch):
    """"gthread workers, 2 per core" is the Procfile's web (gunicorn.conf.py); `serve` says its own."""
    import runpy

    from gunicorn.app.base import BaseApplication

    from web.server import run_gunicorn

    import os

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["worker_class"] == "web.server.BoundedThreadWorker" and conf["threads"] == 16
    assert conf["workers"] == 2 * (os.cpu_count() or 1)
    assert "web: python -OO -m gunicorn -c gunicorn.conf.py wsgi:app" in (ROOT / "Procfile").read_text()

    seen = {}
    monkeypatch.setattr(BaseApplication, "run", lambda self: seen.update(
        workers=self.cfg.workers, threads=self.cfg.threads, worker_class=self.cfg.worker_class_str))
    monkeypatch.setattr("vocabulary.understand.model", lambda: None)
    run_gunicorn(app, host="127.0.0.1", port=5099, workers=1, settings=app.extensions["switchboard"].settings)
    assert seen == {"workers": 1, "threads": 4, "worker_class": "web.server.BoundedThreadWorker"}  # gthread
    assert "runs gthread workers, 2 per core (`WEB_CONCURRENCY`), 16 threads each" in README
    assert "`switchboard serve` (what `dev.py run` runs) is for trying it on one\n  machine: one gthread worker with 4 threads" in README
