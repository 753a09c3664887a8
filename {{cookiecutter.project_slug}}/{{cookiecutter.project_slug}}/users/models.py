"""The user model and its queries."""

from datetime import datetime

from flask import current_app
{%- if cookiecutter.app_style == "full" %}
from flask_login import UserMixin
{%- endif %}
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.database import StorableString, UTCDateTime, utcnow
from ..core.logs import bind
from ..extensions import Base, db{{ ", login_manager" if cookiecutter.app_style == "full" }}

#: Shared with the validation rules of forms and schemas.
USERNAME_MAX = 64
PASSWORD_MIN = 8


class User({{ "UserMixin, " if cookiecutter.app_style == "full" }}Base):
    """An account. Passwords are kept as werkzeug.security hashes."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(StorableString(USERNAME_MAX), unique=True)
    password_hash: Mapped[str] = mapped_column(StorableString(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password`` (``PASSWORD_HASH_METHOD``)."""
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )

    def check_password(self, password: str) -> bool:
        """Whether ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)


class UsernameTakenError(ValueError):
    """The username belongs to another account."""


def create_user(username: str, password: str) -> User:
    """Create and commit a user.

    :raises UsernameTakenError: when ``username`` is registered already.
    """
    user = User(username=username)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # the unique constraint: concurrent sign-ups cannot both win
        db.session.rollback()
        raise UsernameTakenError(username) from None
    return user


def authenticated_user(user_id: int) -> User | None:
    """The user a request authenticated as, or None; log lines then carry its id."""
    user = db.session.get(User, user_id)
    if user is not None:
        bind(user_id=user.id)
    return user
{%- if cookiecutter.app_style == "full" %}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader."""
    return authenticated_user(int(user_id))
{%- endif %}
