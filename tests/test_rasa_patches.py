"""The patches of Rasa's internals run only on the Rasa they were written for (rasa_patches/__init__.py)."""

import pytest

from rasa_patches import UnsupportedRasaVersion, check_rasa_version


@pytest.mark.parametrize("version", ["3.6.0", "3.6.21", "3.6.21rc1"])
def test_rasa_3_6_is_accepted(version):
    check_rasa_version(version)


def test_the_installed_rasa_is_accepted():
    check_rasa_version()


@pytest.mark.parametrize("version", ["3.7.0", "3.5.17", "3.60.1", "2.8.1", "4.0.0"])
def test_another_rasa_is_refused_naming_both_versions(version):
    with pytest.raises(UnsupportedRasaVersion) as refused:
        check_rasa_version(version)
    message = str(refused.value)
    assert message.startswith("Refusing to start")
    assert f"Rasa {version} is installed" in message
    assert "Rasa 3.6.x" in message
