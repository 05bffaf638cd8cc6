"""The aftercare domain: plain Python that decides, with no Rasa, rasa_sdk or Sanic import.

The Rasa-facing folders (actions/, components/, channels/) read Rasa's objects, call this package and dispatch.
"""
