"""Alerts to the clinic for every escalation and callback request, delivered from an outbox that loses none.

- settings.py: where alerts go (webhook, email), read from the environment and checked at start-up;
- outbox.py: the outbox table in the conversations' database, and the claim/deliver/retry bookkeeping;
- delivery.py: the signed webhook POST and the email, each raising DeliveryError when not delivered;
- dispatcher.py: the process that delivers (`python -m aftercare.alerts.dispatcher`).
"""
