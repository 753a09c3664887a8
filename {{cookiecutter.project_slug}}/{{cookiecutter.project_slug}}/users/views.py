"""The sign-up, log-in and log-out pages (a Flask-Login session)."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..core.ratelimits import login_limit, register_limit
from ..extensions import db
from .forms import LoginForm, RegisterForm
from .models import User, UsernameTakenError, create_user

bp = Blueprint("auth", __name__, url_prefix="/auth")


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site (no open redirect), else {{ "the todo list" if cookiecutter.example == "todos" else "the home page" }}."""
    if target and target.startswith("/") and not urlsplit(target).netloc:
        return target
    return url_for("{{ "todos" if cookiecutter.example == "todos" else "main" }}.index")


@bp.route("/register", methods=["GET", "POST"])
@register_limit
def register() -> Response | str:
    """Create an account and log its user in, on to {{ "the todo list" if cookiecutter.example == "todos" else "the home page" }}."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = create_user(form.username.data, form.password.data)
        except UsernameTakenError:
            form.username.errors.append("This username is taken.")
        else:
            login_user(user)
            flash(f"Welcome, {user.username}! Your account is ready.", "success")
            return redirect(url_for("{{ "todos" if cookiecutter.example == "todos" else "main" }}.index"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@login_limit
def login() -> Response | str:
    """Check username and password and start a session."""
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == form.username.data))
        if user is not None and user.check_password(form.password.data):
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append("Incorrect username or password.")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    """End the session (a POST, CSRF-checked, so no link can log a user out)."""
    logout_user()
    flash("You are logged out.", "success")
    return redirect(url_for("main.index"))
