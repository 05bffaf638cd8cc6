"""Answers about the clinic itself: appointments, prices, opening hours, address, who treated the patient.

Everything comes from clinic.yml (aftercare/clinic.py), in content/en/texts.yml's `clinic` texts; an optional detail
the clinic left out (`address`, `booking_url`, `prices_url`) is replaced by the clinic's phone. None of these depends
on the procedure time, so the assistant never asks for it. Pure Python: no Rasa import.
"""

from __future__ import annotations

from datetime import datetime

from aftercare.clinic import Clinic
from aftercare.opening_hours import describe_moment
from aftercare.texts import patient_text

# The assistant's intents for these questions (domain.yml); not `ask_*`, which are care-guide topics.
APPOINTMENT = "clinic_appointment"
PRICES = "clinic_prices"
OPENING_HOURS = "clinic_opening_hours"
ADDRESS = "clinic_address"
WHO_TREATED_ME = "clinic_who_treated_me"
QUESTIONS = (APPOINTMENT, PRICES, OPENING_HOURS, ADDRESS, WHO_TREATED_ME)


def open_now(clinic: Clinic, now: datetime) -> str:
    """'It's open now.' or when it next opens, from the clinic's opening hours and closed dates."""
    hours = clinic.opening_hours
    if hours.is_open(now):
        return patient_text("clinic.open_now")
    opening = hours.next_opening(now)
    if opening is None:
        return patient_text("clinic.closed_now")
    return patient_text("clinic.closed_now_opens", opening=describe_moment(opening, now, hours.timezone))


def logistics_answer(question: str, clinic: Clinic, now: datetime) -> str:
    """What to tell a patient who asks `question` (one of QUESTIONS); ValueError for any other."""
    details = clinic.contact_details()
    details["call"] = patient_text("clinic.call", **details)
    if question == APPOINTMENT:
        if clinic.booking_url:
            return patient_text("clinic.appointment_online", booking_url=clinic.booking_url, **details)
        return patient_text("clinic.appointment", **details)
    if question == PRICES:
        if clinic.prices_url:
            return patient_text("clinic.prices_online", prices_url=clinic.prices_url, **details)
        return patient_text("clinic.prices", **details)
    if question == OPENING_HOURS:
        return patient_text("clinic.opening_hours", open_now=open_now(clinic, now), **details)
    if question == ADDRESS:
        if clinic.address:
            return patient_text("clinic.address_online", address=clinic.address, **details)
        return patient_text("clinic.address", **details)
    if question == WHO_TREATED_ME:
        return patient_text("clinic.who_treated_me", **details)
    raise ValueError(f"not a question about the clinic: {question!r}")
