"""Where every process finds the conversations (aftercare/conversation_store.py)."""

from aftercare.conversation_store import DEFAULT_URL, database_url


def test_tracker_store_url_wins():
    assert database_url({"TRACKER_STORE_URL": "sqlite:////tmp/x.db", "POSTGRES_HOST": "db"}) == "sqlite:////tmp/x.db"


def test_the_deploy_profile_s_postgres_parts_with_a_password_that_needs_escaping():
    environ = {"POSTGRES_HOST": "db", "POSTGRES_PORT": "5433", "POSTGRES_USER": "rasa", "POSTGRES_PASSWORD": "p@ss:/w"}
    assert database_url(environ) == "postgresql://rasa:p%40ss%3A%2Fw@db:5433/aftercare"


def test_sqlite_in_the_project_folder_by_default():
    assert database_url({}) == DEFAULT_URL == "sqlite:///conversations.db"
