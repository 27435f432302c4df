#!/usr/bin/env python3
"""Switchboard's two commands (and one that only installs):

  python3 dev.py run [--port N]     migrate a SQLite file, load the demo data, make a demo console
                                    supervisor and serve http://127.0.0.1:N (default 5000), printing
                                    how to talk to the bot without a phone
  python3 dev.py test [PYTEST ARGS] the test suite (on TEST_DATABASE_URL / TEST_REDIS_URL when set,
                                    else a temporary SQLite file and the in-process Redis stand-in)
  python3 dev.py install            only make .venv

Needs only Python 3.11+. Makes ``.venv`` beside this file, installs the project and its
dev dependencies into it (again only when pyproject.toml changed), then runs the bot or
the test suite. Standard library only: this file runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".switchboard-installed"


def say(text: str) -> None:
    print(f"dev.py: {text}", file=sys.stderr, flush=True)


def ensure_installed() -> None:
    if sys.version_info < (3, 11):
        sys.exit("dev.py: Switchboard needs Python 3.11 or newer")
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == want and (BIN / "switchboard").exists():
        return
    if not (BIN / "python").exists():
        say("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    say("installing switchboard and its dev dependencies into .venv")
    subprocess.run([str(BIN / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(want)


def run(args: list[str]) -> int:
    port = "5000"
    if "--port" in args:
        if args.index("--port") + 1 >= len(args) or not args[args.index("--port") + 1].isdigit():
            sys.exit("dev.py: run --port needs a port number (python3 dev.py run --port 5055)")
        port = args[args.index("--port") + 1]
    env = dict(os.environ)
    sb = str(BIN / "switchboard")
    # The console's demo agent: a fresh password each run, printed with the address to sign in at.
    for step in (["db", "upgrade"], ["seed-demo"], ["agents", "demo", "--url", f"http://127.0.0.1:{port}"]):
        subprocess.run([sb, *step], check=True, env=env, cwd=ROOT)
    os.execve(sb, [sb, "serve", "--port", port, "--banner"], env)
    return 0


def test(args: list[str]) -> int:
    env = dict(os.environ)
    if not env.get("TEST_DATABASE_URL"):
        say("TEST_DATABASE_URL not set: the suite runs on a temporary SQLite file")
    if not env.get("TEST_REDIS_URL"):
        say("TEST_REDIS_URL not set: the suite runs on the in-process Redis stand-in (fakeredis)")
    return subprocess.run([str(BIN / "python"), "-m", "pytest", *args], cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    if not argv or argv[0] not in ("run", "test", "install"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "run" and ("-h" in argv or "--help" in argv):
        print(__doc__)
        return 0
    ensure_installed()
    if argv[0] == "install":
        return 0
    return run(argv[1:]) if argv[0] == "run" else test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
