"""The npm tools the document tests run — Redocly's linter, a TypeScript SDK generator,
the TypeScript compiler — installed once into the virtual environment at pinned versions
(npm keeps its own download cache, so a fresh environment installs from it quickly).

Node.js itself comes from the machine: `.ci/run` installs it when it is missing; a machine
without it skips these tests, saying so.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TOOLS = {
    "@redocly/cli": "2.77.0",
    "openapi-typescript": "7.13.0",
    "openapi-fetch": "0.17.0",
    "typescript": "5.9.3",
    "@types/node": "20.19.43",
}
DIRECTORY = Path(sys.prefix) / "node-tools"
# Neither tool may reach for the network beyond the npm registry while it runs.
QUIET_ENVIRONMENT = {
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    "NO_UPDATE_NOTIFIER": "1",
    "npm_config_update_notifier": "false",
    "npm_config_fund": "false",
    "npm_config_audit": "false",
}


def environment() -> dict[str, str]:
    return {**os.environ, **QUIET_ENVIRONMENT}


def node_tools() -> Path:
    """The folder whose `node_modules` holds the tools (skips without Node.js)."""
    missing = [name for name in ("node", "npm") if shutil.which(name) is None]
    if missing:
        pytest.skip(
            f"{' and '.join(missing)} not on this machine: the npm tools cannot run "
            "(.ci/run installs Node.js; locally, apt-get install nodejs npm)"
        )
    manifest = DIRECTORY / "package.json"
    wanted = {"name": "nirm-node-tools", "private": True, "dependencies": TOOLS}
    installed = (DIRECTORY / "node_modules" / ".package-lock.json").exists()
    if installed and manifest.exists() and json.loads(manifest.read_text()) == wanted:
        return DIRECTORY
    DIRECTORY.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps(wanted, indent=2))
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=DIRECTORY,
        env=environment(),
        check=True,
        timeout=600,
    )
    return DIRECTORY


def binary(tools: Path, name: str) -> str:
    return str(tools / "node_modules" / ".bin" / name)
