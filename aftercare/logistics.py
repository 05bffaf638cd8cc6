"""Answers about the clinic itself: appointments, prices, opening hours, address, who treated the patient.

Everything comes from clinic.yml (aftercare/clinic.py); an optional detail the clinic left out (`address`,
`booking_url`, `prices_url`) is replaced by the clinic's phone. None of these depends on the procedure time,
so the assistant never asks for it. Pure Python: no Rasa import.
"""

from __future__ import annotations

from datetime import datetime

from aftercare.clinic import Clinic
from aftercare.opening_hours import describe_moment

# The assistant's intents for these questions (domain.yml); not `ask_*`, which are care-guide topics.
APPOINTMENT = "clinic_appointment"
PRICES = "clinic_prices"
OPENING_HOURS = "clinic_opening_hours"
ADDRESS = "clinic_address"
WHO_TREATED_ME = "clinic_who_treated_me"
QUESTIONS = (APPOINTMENT, PRICES, OPENING_HOURS, ADDRESS, WHO_TREATED_ME)

CALL = "call {clinic_name} on {phone} ({hours})"


def open_now(clinic: Clinic, now: datetime) -> str:
    """'It's open now.' or when it next opens, from the clinic's opening hours and closed dates."""
    hours = clinic.opening_hours
    if hours.is_open(now):
        return "It's open now."
    opening = hours.next_opening(now)
    if opening is None:
        return "It's closed now."
    return f"It's closed now and opens {describe_moment(opening, now, hours.timezone)}."


def logistics_answer(question: str, clinic: Clinic, now: datetime) -> str:
    """What to tell a patient who asks `question` (one of QUESTIONS); ValueError for any other."""
    details = clinic.contact_details()
    call = CALL.format(**details)
    if question == APPOINTMENT:
        if clinic.booking_url:
            return f"You can book, move or cancel an appointment online at {clinic.booking_url}, or {call}."
        return f"To book, move or cancel an appointment, please {call}."
    if question == PRICES:
        if clinic.prices_url:
            return (
                f"{clinic.clinic_name}'s prices are at {clinic.prices_url}. For a price for your own course of "
                f"treatment, {call}."
            )
        return f"I don't have the clinic's prices. For prices and offers, please {call}."
    if question == OPENING_HOURS:
        return f"{clinic.clinic_name} is open {clinic.hours}. {open_now(clinic, now)} The number is {clinic.phone}."
    if question == ADDRESS:
        if clinic.address:
            return f"{clinic.clinic_name} is at {clinic.address}. For directions or parking, {call}."
        return f"For the clinic's address and directions, please {call}."
    if question == WHO_TREATED_ME:
        return (
            f"I can't see your booking from here. Treatments at {clinic.clinic_name} are overseen by "
            f"{clinic.injector_name}; to check who treated you, {call}."
        )
    raise ValueError(f"not a question about the clinic: {question!r}")
