"""What retrains the model (scripts/training_inputs.py): what the NLU pipeline reads, and nothing it does not."""

from pathlib import Path

from scripts.training_inputs import training_files


def listed(root=None) -> set[str]:
    return {path.as_posix() for path in (training_files() if root is None else training_files(root))}


def test_storage_services_and_log_redaction_do_not_retrain():
    inputs = listed()
    assert [path for path in inputs if path.startswith(("storage/", "services/", "actions/", "channels/"))] == []
    assert "aftercare/log_redaction.py" not in inputs
    assert [path for path in inputs if path.startswith("aftercare/staff/")] == []
    assert "rasa_patches/action_guard.py" not in inputs  # a server patch, not read in training


def test_what_the_components_read_retrains():
    inputs = listed()
    assert {
        "config.yml",
        "domain.yml",
        "clinic.yml",
        "components/warning_sign_detector.py",
        "aftercare/escalation_model.py",  # imported through aftercare/escalation_rule.py
        "aftercare/procedure_time/interpretation.py",  # loaded on first use by procedure_time/__init__.py
        "content/warning_signs.yml",
        "rasa_patches/terminal.py",  # components/__init__.py installs it
    } <= inputs
    assert any(path.startswith("data/nlu/") for path in inputs)
    # English patient texts and the programme's messages: the actions and services read them, no component does.
    assert [path for path in inputs if path.startswith("content/en/")] == []


def write(root: Path, relative: str, text: str = "") -> None:
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    (root / relative).write_text(text, encoding="utf-8")


def test_a_module_retrains_only_when_a_component_imports_it(tmp_path):
    write(tmp_path, "components/detector.py", "from aftercare.rules import decide\n")
    write(tmp_path, "aftercare/__init__.py")
    write(tmp_path, "aftercare/rules.py", "from aftercare import words\n\n\ndef later():\n    import aftercare.late\n")
    write(tmp_path, "aftercare/words.py")
    write(tmp_path, "aftercare/words.yml")
    write(tmp_path, "aftercare/late.py")
    write(tmp_path, "aftercare/unused.py")
    assert listed(tmp_path) == {
        "components/detector.py",
        "aftercare/__init__.py",
        "aftercare/rules.py",
        "aftercare/words.py",
        "aftercare/words.yml",
    }
