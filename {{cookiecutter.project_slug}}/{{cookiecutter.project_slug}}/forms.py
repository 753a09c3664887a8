"""Forms of the pages (Flask-WTF: CSRF protection and validation)."""

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from .extensions import csrf
from .models import PASSWORD_MIN, TITLE_MAX, USERNAME_MAX


def check_csrf() -> None:
    """``before_request`` function of the page blueprints: refuse a request of a method
    that changes something (``WTF_CSRF_METHODS``) without a valid CSRF token, before its
    view runs, as Flask-WTF's ``CSRFProtect`` would for every request if its check were
    on by default (``WTF_CSRF_CHECK_DEFAULT``, off: the API and the probes take no form).
    Nothing is checked while ``WTF_CSRF_ENABLED`` is off.

    :raises flask_wtf.csrf.CSRFError: a 400, for a token missing, invalid or expired.
    """
    if current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField("Username", validators=[DataRequired(), Length(max=USERNAME_MAX)])
    password = PasswordField("Password", validators=[DataRequired()])


class RegisterForm(LoginForm):
    """A new account: username, password typed twice."""

    password = PasswordField("Password", validators=[DataRequired(), Length(min=PASSWORD_MIN)])
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )


class TodoForm(FlaskForm):
    """A todo's title, state and optional attachment."""

    title = StringField("Title", validators=[DataRequired(), Length(max=TITLE_MAX)])
    done = BooleanField("Done")
    attachment = FileField("Attachment")


class EditTodoForm(TodoForm):
    """A todo's form on its edit page: the attachment may also be removed."""

    remove_attachment = BooleanField("Remove the attachment")
