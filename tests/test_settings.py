"""Settings: every variable the tool reads is a field; groups (openai, slack) from their own variables or a TOML
table; secrets never printed; a misspelt name anywhere is an error naming the right one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.config import Settings, debug_requested, load_settings
from assistant.errors import ConfigError, UnknownSettingError
from tests.helpers import ROOT


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "factcheck.toml"
    monkeypatch.setenv("FACTCHECK_CONFIG", str(path))
    return path


def test_openai_and_slack_come_from_their_own_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-key-123456")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-not-a-real-token")
    monkeypatch.setenv("SLACK_APP_TOKEN", "  ")  # blank is unset
    settings = load_settings()
    assert settings.openai.configured and settings.openai.key() == "sk-test-secret-key-123456"
    assert settings.openai.base_url == "http://127.0.0.1:9/v1"
    assert settings.slack.bot_token is not None and settings.slack.bot_token.get_secret_value().startswith("xoxb-")
    assert settings.slack.app_token is None
    shown = f"{settings!r} {settings} {settings.model_dump()}"
    assert "sk-test-secret" not in shown and "xoxb-not" not in shown


def test_no_openai_variables_means_not_configured() -> None:
    assert not load_settings().openai.configured


def test_a_group_table_in_the_config_file_under_its_variables(config_file: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    config_file.write_text('engine = "local"\n[openai]\nbase_url = "http://127.0.0.1:1/v1"\n'
                           '[slack]\nsigning_secret = "from-the-file"\n', encoding="utf-8")
    settings = load_settings()
    assert settings.openai.base_url == "http://127.0.0.1:1/v1"
    assert settings.slack.signing_secret is not None
    assert settings.slack.signing_secret.get_secret_value() == "from-the-file"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:2/v1")  # the environment wins, as for every setting
    assert load_settings().openai.base_url == "http://127.0.0.1:2/v1"


@pytest.mark.parametrize(("text", "expected"), [
    ('[openai]\nbase_ur = "http://x"\n', "unknown key 'openai.base_ur' in config file .*did you mean base_url\\?"),
    ('[slack]\nbot_tokn = "x"\n', "unknown key 'slack.bot_tokn'.*did you mean bot_token\\?"),
    ('engnie = "local"\n', "unknown key 'engnie'.*did you mean engine\\?"),
])
def test_a_misspelt_key_names_the_closest_one(config_file: Path, text: str, expected: str) -> None:
    config_file.write_text(text, encoding="utf-8")
    with pytest.raises(UnknownSettingError, match=expected):
        load_settings()


def test_a_group_must_be_a_table(config_file: Path) -> None:
    config_file.write_text('openai = "http://x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a table"):
        load_settings()


@pytest.mark.parametrize(("name", "closest"), [("FACTCHECK_ENGNIE", "FACTCHECK_ENGINE"),
                                               ("FACTCHECK_CHROMA_ULR", "FACTCHECK_CHROMA_URL")])
def test_a_misspelt_variable_names_the_closest_one(name: str, closest: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(name, "x")
    with pytest.raises(UnknownSettingError, match=f"did you mean {closest}\\?"):
        load_settings()


def test_groups_are_not_factcheck_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """FACTCHECK_OPENAI is no setting: the group is read from OPENAI_*."""
    monkeypatch.setenv("FACTCHECK_OPENAI", "{}")
    with pytest.raises(UnknownSettingError):
        load_settings()


@pytest.mark.parametrize(("name", "closest"), [("FACTCHECK_OPENAI__API_KEY", "OPENAI_API_KEY"),
                                               ("FACTCHECK_SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN"),
                                               ("FACTCHECK_PROMPT_DIR", "FACTCHECK_PROMPTS_DIR")])
def test_a_nested_key_spelt_as_a_factcheck_variable_names_its_own_variable(
        name: str, closest: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(name, "x")
    with pytest.raises(UnknownSettingError, match=f"unknown setting {name}; did you mean {closest}\\?"):
        load_settings()


def test_every_variable_the_package_reads_is_a_setting() -> None:
    """No module reads the environment but config.py, and every FACTCHECK_ name the other modules mention (in
    messages and docs) is a field."""
    package = ROOT / "assistant"
    readers = [p.relative_to(ROOT) for p in package.rglob("*.py")
               if p.name != "config.py" and re.search(r"os\.environ|getenv\(", p.read_text(encoding="utf-8"))]
    assert readers == []
    fields = {f"FACTCHECK_{name.upper()}" for name in Settings.model_fields}
    mentioned = {name for p in package.rglob("*.py") if p.name != "config.py"
                 for name in re.findall(r"\bFACTCHECK_[A-Z0-9_]*[A-Z0-9]", p.read_text(encoding="utf-8"))}
    assert mentioned - fields == set()


@pytest.mark.parametrize(("value", "debug"), [("1", True), ("true", True), ("0", False), ("", False), ("no", False)])
def test_debug_is_read_early_and_as_a_setting_alike(value: str, debug: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_DEBUG", value)
    assert debug_requested() is debug
    assert load_settings().debug is debug


def test_prompts_and_datasets_folders_are_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_PROMPTS_DIR", str(tmp_path / "prompts"))
    monkeypatch.setenv("FACTCHECK_DATASETS", "")
    settings = load_settings()
    assert settings.prompts_dir == tmp_path / "prompts" and settings.datasets is None
