"""The README's Python example runs as written."""

from __future__ import annotations

import json
import re

from tests.conftest import REPO


def test_readme_python_example_runs(capsys) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    assert blocks, "the README has a Python example"
    text = "ODESA: Shelling resumed on Thursday, officials said.\n"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {"text": text})
    printed = json.loads(capsys.readouterr().out)
    assert printed["schema"] == "sitroom/1"
    first_time = printed["times"][0]
    assert (first_time["text"], first_time["value"]) == ("Thursday", "2022-02-24")
