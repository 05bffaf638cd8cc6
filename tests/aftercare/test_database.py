"""Which database the outbox and the console use (storage/database.py)."""

from storage.database import DEFAULT_DATABASE_URL, database_url


def test_tracker_store_url_or_sqlite_by_default():
    assert database_url({"TRACKER_STORE_URL": " postgresql://a@b/c "}) == "postgresql://a@b/c"
    assert database_url({}) == DEFAULT_DATABASE_URL == "sqlite:///conversations.db"


def test_deploys_postgres_parts_win_over_the_default_tracker_store_url_of_the_rasa_launcher():
    environ = {"TRACKER_STORE_URL": "sqlite:///conversations.db", "POSTGRES_HOST": "db", "POSTGRES_PASSWORD": "x"}
    assert database_url(environ) == "postgresql://postgres:x@db:5432/rasa"


def test_deploys_postgres_parts_make_a_url_with_the_password_from_its_file_quoted(tmp_path):
    secret = tmp_path / "postgres_password"
    secret.write_text("p@ss/w:rd\n")
    environ = {"POSTGRES_HOST": "db", "POSTGRES_PORT": "5433", "POSTGRES_DB": "aftercare", "POSTGRES_USER": "rasa"}
    assert database_url({**environ, "POSTGRES_PASSWORD_FILE": str(secret)}) == (
        "postgresql://rasa:p%40ss%2Fw%3Ard@db:5433/aftercare"
    )
    assert database_url({"POSTGRES_HOST": "db"}) == "postgresql://postgres@db:5432/rasa"
