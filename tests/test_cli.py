"""The ``sitroom`` command: exit codes, output streams, batches with bad files, docs."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from typer.main import get_command
from typer.testing import CliRunner

from sitroom import model
from sitroom.cli import app
from tests.conftest import REPO, SAMPLES

ARTICLE = (
    "KHARTOUM: Fighting resumed in Omdurman on Monday, residents said.\n"
    "The army said it had repelled an attack on a bridge.\n"
)


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "test.db")


def _command_names() -> list[str]:
    group = get_command(app)
    names = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        names.extend(f"{name} {s}" for s in sub) if sub else names.append(name)
    return names


def test_cli_extract_prints_valid_json(runner: CliRunner, tmp_path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path), "--published", "2023-05-03"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, model.json_schema())
    assert data["document"]["published"] == "2023-05-03"
    assert {t["text"]: t["value"] for t in data["times"]}.get("Monday") == "2023-05-01"


def test_cli_extract_reads_stdin_with_overrides(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["extract", "-", "--source", "Test Wire", "--title", "T"], input=ARTICLE
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)["document"]
    assert (document["source"], document["title"]) == ("Test Wire", "T")


def test_cli_extract_markdown(runner: CliRunner, tmp_path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().startswith("#")


def test_cli_bad_published_is_a_usage_error(runner: CliRunner, tmp_path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path), "--published", "not a date"])
    assert result.exit_code == 2
    assert "--published" in result.output


def test_cli_ingest_batch_with_bad_files(runner: CliRunner, tmp_path, db: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "other.txt").write_text(ARTICLE.replace("Monday", "Tuesday"), encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    result = runner.invoke(app, ["ingest", str(folder), "--db", db])
    assert result.exit_code == 1
    assert re.search(r"empty\.txt: .*empty", result.stderr)
    assert re.search(r"image\.txt: .*PNG image, not text", result.stderr)
    assert "2 stored" in result.stderr and "2 failed" in result.stderr
    listed = runner.invoke(app, ["documents", "--db", db, "--format", "json"])
    assert len(json.loads(listed.stdout)) == 2


def test_cli_ingest_is_idempotent(runner: CliRunner, tmp_path, db: str) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    first = runner.invoke(app, ["ingest", str(path), "--db", db])
    second = runner.invoke(app, ["ingest", str(path), "--db", db])
    assert first.exit_code == second.exit_code == 0
    assert "1 stored" in first.stderr and "1 duplicate" in second.stderr
    listed = runner.invoke(app, ["documents", "--db", db, "--format", "json"])
    assert len(json.loads(listed.stdout)) == 1


def test_cli_ingest_flags_non_english(runner: CliRunner, tmp_path, db: str) -> None:
    (tmp_path / "ru.txt").write_text(
        "Российские войска продолжили наступление на север страны, заявили военные.", "utf-8"
    )
    result = runner.invoke(app, ["ingest", str(tmp_path / "ru.txt"), "--db", db])
    assert result.exit_code == 1
    assert "ru.txt" in result.stderr and "'ru'" in result.stderr
    listed = runner.invoke(app, ["documents", "--db", db, "--format", "json"])
    assert [d["status"] for d in json.loads(listed.stdout)] == ["flagged"]


def test_cli_samples_report_and_lists(runner: CliRunner, db: str) -> None:
    result = runner.invoke(app, ["ingest", str(SAMPLES), "--db", db])
    assert result.exit_code == 0, result.stderr
    report = runner.invoke(app, ["report", "--db", db])
    assert report.exit_code == 0
    assert "Timeline" in report.stdout
    for command in ("documents", "places", "statements", "events", "figures"):
        as_csv = runner.invoke(app, [command, "--db", db, "--format", "csv"])
        assert as_csv.exit_code == 0, (command, as_csv.output)
        as_json = runner.invoke(app, [command, "--db", db, "--format", "json"])
        assert isinstance(json.loads(as_json.stdout), list)
    html = runner.invoke(app, ["report", "--db", db, "--format", "html"])
    assert "<html" in html.stdout.lower()


def test_cli_bad_database_path_is_one_clear_line(runner: CliRunner, tmp_path) -> None:
    result = runner.invoke(app, ["documents", "--db", str(tmp_path / "missing" / "x.db")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:")
    assert "Traceback" not in result.output


def test_cli_schema_is_the_contract(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schema"])
    assert json.loads(result.stdout) == model.json_schema()


@pytest.mark.parametrize("command", _command_names())
def test_cli_every_command_has_help_with_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout


@pytest.mark.parametrize("command", _command_names())
def test_cli_every_command_is_in_readme(command: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"sitroom {command}\b|`{command.split()[-1]}`", readme), command


def test_cli_serve_rejects_a_tile_url_without_placeholders() -> None:
    result = CliRunner().invoke(app, ["serve", "--tile-url", "https://tiles.example.org/a.png"])
    assert result.exit_code == 2
    assert "{z}" in result.output and "--tile-url" in result.output


def test_cli_serve_passes_workers_and_tile_url(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    calls: list[dict] = []
    monkeypatch.setattr("sitroom._cli_views.serve_api", lambda db, **options: calls.append(options))
    template = "https://tiles.example.org/{z}/{x}/{y}.png"
    args = ["serve", "--db", str(tmp_path / "s.db"), "--workers", "2", "--tile-url", template]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    (options,) = calls
    assert options["workers"] == 2 and options["host"] == "127.0.0.1"
    assert options["dashboard"].tile_url == template


def test_cli_merge_catches_up_documents_stored_without_merging(tmp_path) -> None:
    from sitroom.ingest import document_from_text
    from sitroom.store import Store

    db = str(tmp_path / "m.db")
    with Store(db) as store:
        document = document_from_text("Aid reached the district on Monday, officials said.")
        store.add(document, model.DocumentResult(document=document.info()))
    first = CliRunner().invoke(app, ["merge", "--db", db])
    again = CliRunner().invoke(app, ["merge", "--db", db])
    assert first.exit_code == again.exit_code == 0
    assert "1 document(s) merged" in first.output and "0 document(s)" in again.output
