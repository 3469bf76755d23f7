"""The GitHub workflows run actions pinned to a commit, with its release named."""

from __future__ import annotations

from pathlib import Path
import re

import pytest

WORKFLOWS = sorted((Path(__file__).parents[1] / ".github" / "workflows").glob("*.yml"))
USES = re.compile(r"^\s*(?:-\s*)?uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)(?P<rest>.*)$")


def test_workflows_found() -> None:
    """The check sees the workflows (guards the glob)."""
    assert len(WORKFLOWS) >= 4


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_actions_pinned_to_commits(workflow: Path) -> None:
    """Each action is a full commit hash (a tag or branch can move) with a comment."""
    uses = [
        match
        for line in workflow.read_text(encoding="utf-8").splitlines()
        if (match := USES.match(line))
    ]
    assert uses, f"{workflow.name} uses no action"
    for use in uses:
        assert re.fullmatch(r"[0-9a-f]{40}", use["ref"]), (
            f"{workflow.name}: {use['action']}@{use['ref']} is not a commit"
        )
        assert re.match(r"\s+#\s+\S", use["rest"]), (
            f"{workflow.name}: {use['action']} does not name its release"
        )
