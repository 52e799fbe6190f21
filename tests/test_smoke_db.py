from sqlalchemy import text


def test_schema_is_created_by_migrations(database):
    with database.reader() as uow:
        assert uow.execute(text("SELECT last_seq FROM audit_head")).scalar_one() == 0
