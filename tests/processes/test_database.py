"""Processes that start together (the servers of `make run`) create the SQLite tables they share without failing."""


def _create_twenty_tables(url: str) -> None:
    import sqlalchemy as sa

    from storage.database import create_tables

    metadata = sa.MetaData()
    for number in range(20):
        sa.Table(f"race_{number}", metadata, sa.Column("id", sa.Integer, primary_key=True))
    create_tables(sa.create_engine(url, future=True, connect_args={"timeout": 30}), metadata)


def test_processes_starting_at_once_create_the_same_sqlite_tables_without_failing(tmp_path):
    import multiprocessing

    # make run starts the action server, the Rasa server, the console and the dispatcher together; each creates
    # the tables it needs, and "table ... already exists" killed the ones that lost the race.
    for round_number in range(3):
        url = f"sqlite:///{tmp_path / f'round-{round_number}.db'}"
        processes = [multiprocessing.Process(target=_create_twenty_tables, args=(url,)) for _ in range(6)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=60)
        assert [process.exitcode for process in processes] == [0] * 6
