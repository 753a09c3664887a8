"""Security headers on every response, errors included; a header a view set is kept."""

from collections.abc import Iterable
from typing import Any

from .middleware import Environ, Middleware, StartResponse

{% if cookiecutter.app_style == "full" -%}
#: Content-Security-Policy of HTML pages: everything from this origin, nothing inline.
PAGE_CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
{% endif -%}
#: Content-Security-Policy of {{ "every other response" if cookiecutter.app_style == "full" else "every response" }}: loads nothing, may not be framed.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
#: HSTS for a year, sent only over HTTPS (RFC 6797, 7.2).
HSTS = "max-age=31536000"


class SecurityHeaders(Middleware):
    """WSGI middleware adding the headers above that a response does not carry."""

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        # gunicorn sets https from X-Forwarded-Proto for a trusted proxy only.
        secure = environ["wsgi.url_scheme"] == "https"

        def add_headers(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            present = {name.lower(): value for name, value in headers}
            headers.extend(
                (name, value) for name, value in HEADERS.items() if name.lower() not in present
            )
            if "content-security-policy" not in present:
{%- if cookiecutter.app_style == "full" %}
                mimetype = present.get("content-type", "").partition(";")[0].strip().lower()
                csp = PAGE_CSP if mimetype == "text/html" else API_CSP
                headers.append(("Content-Security-Policy", csp))
{%- else %}
                headers.append(("Content-Security-Policy", API_CSP))
{%- endif %}
            if secure and "strict-transport-security" not in present:
                headers.append(("Strict-Transport-Security", HSTS))
            return start_response(status, headers, *exc_info)

        return self.wsgi_app(environ, add_headers)
