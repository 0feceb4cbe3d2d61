"""README.md's configuration tables name every setting of every part, and nothing else.

A setting every part has (from `shared.settings.ServiceSettings`) may be documented once,
as `NIRM_<PART>_NAME`; a part's own setting is documented under its full name.
"""

import re
from pathlib import Path

from services.environment import env_names
from services.registry import PARTS
from shared.settings import ServiceSettings

README = Path(__file__).resolve().parents[2] / "README.md"
GENERIC_PREFIX = "NIRM_<PART>_"


def documented_variables() -> set[str]:
    """The names in the first column of the tables under the "Configuration" heading."""
    text = README.read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {re.match(r"\| `([^`]+)`", row).group(1) for row in rows}  # type: ignore[union-attr]


def expected_variables() -> set[str]:
    expected = set()
    for part in PARTS:
        for field, name in env_names(part.settings_class()).items():
            common = field in ServiceSettings.model_fields and name.startswith(part.env_prefix)
            expected.add(GENERIC_PREFIX + field.upper() if common else name)
    return expected


def test_every_setting_of_every_part_is_documented() -> None:
    missing = expected_variables() - documented_variables()
    assert not missing, f"add to README.md, Configuration: {sorted(missing)}"


def test_the_readme_documents_no_setting_that_does_not_exist() -> None:
    stale = documented_variables() - expected_variables()
    assert not stale, f"no part reads these any more: {sorted(stale)}"
