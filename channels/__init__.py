"""Input channels for patients: Rasa's REST and socketio channels, made safe for a health conversation.

Every request is checked, every message is cleaned before it reaches the model, and no turn ends in silence:
if the action server fails or a turn produces no reply, the patient gets the clinic's phone number and the
emergency number instead (`channels.turns`). Registered in credentials.yml.
"""
