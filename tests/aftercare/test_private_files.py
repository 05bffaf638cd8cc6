"""aftercare.private_files: files about patients end up readable by their owner only."""

import os
import stat

import pytest

from aftercare.private_files import make_owner_only, restrict_new_files


@pytest.fixture
def umask():
    """Restores the test process's umask afterwards."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield
    os.umask(previous)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_files_are_for_their_owner_only_and_stricter_bits_are_kept(tmp_path, umask):
    os.umask(0o022)
    restrict_new_files()
    (tmp_path / "new.log").write_text("x")
    assert mode(tmp_path / "new.log") == 0o600
    os.umask(0o277)
    restrict_new_files()
    assert os.umask(0o077) == 0o277


def test_an_existing_file_loses_the_group_and_other_bits_only(tmp_path):
    path = tmp_path / "conversations.db"
    path.write_text("x")
    path.chmod(0o664)
    assert make_owner_only(path) is True
    assert mode(path) == 0o600
    assert make_owner_only(path) is False  # already private: untouched
    assert make_owner_only(tmp_path / "missing.db") is False
