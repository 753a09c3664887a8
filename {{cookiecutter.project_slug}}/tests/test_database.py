"""The test database: its schema comes from the migrations, and each test is isolated."""

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import func, select, text

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.users.models import User, create_user

from .conftest import MIGRATIONS, PASSWORD


def test_schema_is_built_by_the_migrations(app: Flask) -> None:
    with app.app_context():
        current = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    assert current == ScriptDirectory(str(MIGRATIONS)).get_current_head()


@pytest.mark.parametrize("run", ["first", "second"])
def test_what_one_test_commits_the_next_does_not_see(app: Flask, run: str) -> None:
    """Both runs find no user, then commit one: a rollback that failed shows in the second."""
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        create_user(f"isolation-{run}", PASSWORD)
    with app.app_context():
        assert list(db.session.scalars(select(User.username))) == [f"isolation-{run}"]
