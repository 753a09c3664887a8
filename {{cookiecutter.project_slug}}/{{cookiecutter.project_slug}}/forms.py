"""Forms of the pages (Flask-WTF: CSRF protection and validation)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from .models import PASSWORD_MIN, TITLE_MAX, USERNAME_MAX


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
