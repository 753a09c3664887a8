"""Flask's signed-cookie sessions, at no cost to a request that has no session.

An API client (a bearer token) or a probe sends no session cookie, and its views never
touch the session; Flask would still build the cookie's signer for it on the way in and
work out the cookie's attributes on the way out.
"""

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin


class LazySessionInterface(SecureCookieSessionInterface):
    """Flask's ``SecureCookieSessionInterface``, skipped where it would do nothing.

    A request without a session cookie gets a new empty session without the signer, as
    Flask would give it; a response whose session was left empty, unread and unchanged
    is left alone, as Flask would leave it. Everything else is Flask's own code.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """The request's session; a new one, at once, when it sent no session cookie.

        A request with no ``Cookie`` header at all (``HTTP_COOKIE``, PEP 3333) is told apart
        without ``request.cookies``, whose parsing looks through every header of the
        environ for it.
        """
        if app.secret_key and (
            "HTTP_COOKIE" not in request.environ
            or self.get_cookie_name(app) not in request.cookies
        ):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Write the session's cookie as Flask does; for a session left empty and unchanged,
        do at once what Flask would: ``Vary: Cookie`` if it was read, nothing else.
{%- if cookiecutter.app_style == "full" %}

        A page that shows who is logged in (Flask-Login's current_user) reads the
        session, so every such page without a session takes this way.
{%- endif %}
        """
        if session or session.modified:
            super().save_session(app, session, response)
        elif session.accessed:
            response.vary.add("Cookie")


def init_app(app: Flask) -> None:
    """Keep ``app``'s sessions in signed cookies through :class:`LazySessionInterface`."""
    app.session_interface = LazySessionInterface()
