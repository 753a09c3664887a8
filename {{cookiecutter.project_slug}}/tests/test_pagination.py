"""Keyset pagination (core/pagination.py), shown on users: a list of any model with an
integer id pages the same way."""

from flask import Flask
from sqlalchemy import select

from {{ cookiecutter.project_slug }}.core.pagination import count_rows, keyset, page_body
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.users.models import User, create_user


def test_a_page_links_to_the_next_until_the_last(app: Flask) -> None:
    with app.app_context():
        ids = [create_user(f"pager{n}", "a long password").id for n in range(3)]
        pagers = select(User).where(User.username.startswith("pager"))
        with app.test_request_context("/api/v1/"):
            first = page_body(db.session.scalars(keyset(pagers, User.id, 0, 2)).all(), 2, 3)
            assert [user.id for user in first["items"]] == ids[:2]
            assert first["next"] == f"/api/v1/?after={ids[1]}&per_page=2"
            assert first["total"] == 3
            last = page_body(db.session.scalars(keyset(pagers, User.id, ids[1], 2)).all(), 2)
            assert [user.id for user in last["items"]] == ids[2:]
            assert last["next"] is None
            assert "total" not in last
        assert count_rows(pagers) == 3
        assert count_rows(pagers.where(User.id > ids[2])) == 0
