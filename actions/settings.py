"""What every action reads, loaded once when the action server starts.

The clinic, its care guide, the alerts to the clinic and the staff handoffs.
Modules read `settings.ALERTS` and `settings.HANDOFFS` through this module, so a test replaces them in one place.
"""

from __future__ import annotations

import logging
from pathlib import Path

from actions.alerts import ClinicAlerts
from actions.handoff import Handoffs
from aftercare.care_guide import CareGuide, domain_topics, load_care_guide
from aftercare.clinic import Clinic, ConfigError, clinic_file, load_clinic

logger = logging.getLogger(__name__)


def load_settings() -> tuple[Clinic, CareGuide]:
    """Loads clinic.yml and its care guide, or stops the action server saying what is wrong."""
    try:
        clinic = load_clinic(clinic_file())
        guide = load_care_guide(clinic.care_guide, domain_topics(Path("domain.yml")))
    except ConfigError as error:
        logger.critical("Refusing to start: %s", error)
        raise SystemExit(f"Refusing to start the action server: {error}") from None
    return clinic, guide


CLINIC, GUIDE = load_settings()
ALERTS = ClinicAlerts.from_environment()
HANDOFFS = Handoffs.from_environment()
