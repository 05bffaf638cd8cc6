"""The bench's count of action server calls per patient message, on a tracker store it writes itself."""

import sqlalchemy as sa

from bench.run import action_calls_per_message


def test_counts_the_custom_actions_a_message_ran_but_not_the_session_start(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, type_name TEXT, action_name TEXT)"))
        rows = [
            ("action", "action_session_start"),
            ("user", None),
            ("action", "action_answer_question"),
            ("action", "action_listen"),
            ("user", None),
            ("action", "utter_greet"),
            ("action", "action_listen"),
        ]
        for type_name, action_name in rows:
            connection.execute(
                sa.text("INSERT INTO events (type_name, action_name) VALUES (:t, :a)"),
                {"t": type_name, "a": action_name},
            )
    engine.dispose()
    assert action_calls_per_message(f"sqlite:///{tmp_path / 'store.db'}") == 0.5
