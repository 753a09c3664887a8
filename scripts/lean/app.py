"""A lean hand-written Flask service: the yardstick of ``scripts/benchmark.py``.

One module, no extensions beyond Flask-SQLAlchemy: accounts with a token, and a todo
list each account owns, as JSON.
"""

import os
import secrets

from flask import Flask, abort, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

db = SQLAlchemy()


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    token: Mapped[str] = mapped_column(String(64), unique=True)


class Todo(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    done: Mapped[bool] = mapped_column(default=False)

    def as_json(self) -> dict:
        return {"id": self.id, "title": self.title, "done": self.done}


def current_user() -> User:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = db.session.scalar(select(User).filter_by(token=token)) if token else None
    if scheme != "Bearer" or user is None:
        abort(401)
    return user


def valid_title(body: object) -> str:
    title = body.get("title") if isinstance(body, dict) else None
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= 200:
        abort(422)
    return title.strip()


def create_app(password_hash_method: str = "scrypt") -> Flask:
    app = Flask(__name__)
    app.config["PASSWORD_HASH_METHOD"] = password_hash_method
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["TEST_DATABASE_URL"]
    db.init_app(app)

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.post("/users")
    def register():
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            abort(422)
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not username or not isinstance(password, str):
            abort(422)
        if len(password) < 8:
            abort(422)
        if db.session.scalar(select(User).filter_by(username=username)):
            abort(409)
        method = app.config["PASSWORD_HASH_METHOD"]
        user = User(username=username, password_hash=generate_password_hash(password, method),
                    token=secrets.token_hex(32))  # fmt: skip
        db.session.add(user)
        db.session.commit()
        return {"token": user.token}, 201

    @app.post("/tokens")
    def token():
        auth = request.authorization
        user = db.session.scalar(select(User).filter_by(username=auth.username)) if auth else None
        if user is None or not check_password_hash(user.password_hash, auth.password or ""):
            abort(401)
        return {"token": user.token}

    @app.get("/todos")
    def list_todos():
        user = current_user()
        todos = db.session.scalars(select(Todo).filter_by(user_id=user.id).order_by(Todo.id))
        return {"items": [todo.as_json() for todo in todos]}

    @app.post("/todos")
    def create_todo():
        user = current_user()
        todo = Todo(user_id=user.id, title=valid_title(request.get_json(silent=True)))
        db.session.add(todo)
        db.session.commit()
        return todo.as_json(), 201

    def own_todo(todo_id: int) -> Todo:
        todo = db.session.get(Todo, todo_id)
        if todo is None or todo.user_id != current_user().id:
            abort(404)
        return todo

    @app.get("/todos/<int:todo_id>")
    def read_todo(todo_id: int):
        return own_todo(todo_id).as_json()

    @app.patch("/todos/<int:todo_id>")
    def update_todo(todo_id: int):
        todo = own_todo(todo_id)
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            abort(422)
        if "title" in body:
            todo.title = valid_title(body)
        if "done" in body:
            if not isinstance(body["done"], bool):
                abort(422)
            todo.done = body["done"]
        db.session.commit()
        return todo.as_json()

    @app.delete("/todos/<int:todo_id>")
    def delete_todo(todo_id: int):
        db.session.delete(own_todo(todo_id))
        db.session.commit()
        return "", 204

    return app
