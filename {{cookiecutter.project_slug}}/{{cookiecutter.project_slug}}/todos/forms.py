"""Forms of the todo pages (Flask-WTF)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from .models import TITLE_MAX


class TodoForm(FlaskForm):
    """A todo's title, state and optional attachment."""

    title = StringField("Title", validators=[DataRequired(), Length(max=TITLE_MAX)])
    done = BooleanField("Done")
    attachment = FileField("Attachment")


class EditTodoForm(TodoForm):
    """A todo's form on its edit page: the attachment may also be removed."""

    remove_attachment = BooleanField("Remove the attachment")
