"""The README's sample pull-request comment is what `deploylint diff --format markdown` posts
for the pull request it describes (issue #20). Regenerate it, after reading the diff, with
DEPLOYLINT_UPDATE_README=1 pytest tests/test_readme_diff.py"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO, deploylint

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
# A fixed author and clock make the same commits, so the base's hash in the sample holds.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "maria.k",
    "GIT_AUTHOR_EMAIL": "maria.k@example.com",
    "GIT_COMMITTER_NAME": "maria.k",
    "GIT_COMMITTER_EMAIL": "maria.k@example.com",
    "GIT_AUTHOR_DATE": "2026-11-20T10:00:00Z",
    "GIT_COMMITTER_DATE": "2026-11-20T10:00:00Z",
}
PULL_REQUEST = (  # lets the support agent refund, and more
    ('      - {name: kb.search, scopes: ["kb:read"], effect: read}\n',
     '      - {name: kb.search, scopes: ["kb:read"], effect: read}\n'
     '      - {name: payments.refund, scopes: ["refunds:write"], effect: pay}\n'),
    ("per_hour: {customer_replies: 300}", "per_hour: {customer_replies: 3000}"),
    ("max_usd_moved: 0                      # replies move no money; refunds go to humans",
     "max_usd_moved: 200"),
    ("rollback_key_holder: support-leads", "rollback_key_holder: support-managers"),
    ("evidence: DRILL-2310}\n",
     "evidence: DRILL-2310}\n    - {date: 2026-11-18, environment: production, "
     "under_load: true, time_to_halt_s: 5, evidence: DRILL-2402}\n"),
)  # fmt: skip
SAMPLE = re.compile(r"(<!-- sample-diff -->\n)(.*?)(<!-- /sample-diff -->)", re.S)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, check=True,
                   capture_output=True)  # fmt: skip


def sample_comment(tmp_path: Path) -> str:
    """The comment, for the pull request above on examples/support-replies.yaml."""
    repo, doc = tmp_path / "repo", EXAMPLES.joinpath("support-replies.yaml").read_text()
    (repo / "deploy").mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    (repo / "deploy" / "support-replies.yaml").write_text(doc)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "support replies")
    _git(repo, "checkout", "-qb", "refunds")
    for old, new in PULL_REQUEST:
        assert old in doc, old
        doc = doc.replace(old, new, 1)
    (repo / "deploy" / "support-replies.yaml").write_text(doc)
    _git(repo, "commit", "-qam", "the support agent refunds")
    os.chdir(repo)
    try:
        run = deploylint("diff", "--format", "markdown")
    finally:
        os.chdir(REPO)
    assert run.code == 0, run.stderr
    return run.stdout


def test_the_readme_sample_comment_is_what_diff_posts(tmp_path: Path) -> None:
    comment = sample_comment(tmp_path)
    quoted = "".join(f"> {line}".rstrip() + "\n" for line in comment.splitlines())
    readme = (REPO / "README.md").read_text()
    if os.environ.get("DEPLOYLINT_UPDATE_README"):
        readme = SAMPLE.sub(lambda m: m.group(1) + quoted + m.group(3), readme)
        (REPO / "README.md").write_text(readme)
    found = SAMPLE.search(readme)
    assert found, "README.md has no sample-diff block"
    assert found.group(2) == quoted, (
        "README.md's sample-diff is stale: DEPLOYLINT_UPDATE_README=1 pytest "
        "tests/test_readme_diff.py"
    )
    assert "**3 widened:**" in comment and "1 narrowed" in comment and "1 neutral" in comment
