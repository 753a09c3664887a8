"""Security headers, sent by the app on every response, errors included.

The app sends them itself because under every deploy target it may be the only server of
ours a response passes through: under Docker and Kubernetes nothing we configure stands in
front of it, and the nginx site of the systemd target adds none of these to what it
proxies, so that no header arrives twice.

A short WSGI middleware rather than a library: flask-talisman, the usual one, has had no
release since 2023, and by default it also redirects plain HTTP to HTTPS, which belongs to
the proxy that terminates TLS. A middleware rather than an ``after_request`` hook: it sees
every response, whoever made it (a view, an error handler, the mount's 404), and costs a
request one call on a list of header pairs.

A header a response already carries is kept: a view that needs another policy sets the
header on its own response (an interactive API docs page, say, whose assets and
initializer script are same-origin files but whose icons are ``data:`` images).
"""

from collections.abc import Iterable
from typing import Any

from .middleware import Environ, Middleware, StartResponse
{%- if cookiecutter.app_style == "full" %}

#: Content-Security-Policy of HTML pages (CSP Level 3, https://www.w3.org/TR/CSP3/;
#: OWASP's Content Security Policy Cheat Sheet). Scripts, styles, images and fonts come
#: from this origin only, never inline: the templates have no ``<script>`` or ``<style>``
#: element, ``style`` attribute or event handler attribute, so no ``'unsafe-inline'``.
#: Plugins (``object-src``) are off; forms submit, and ``<base>`` may point, only to this
#: origin; no other site may frame the pages (``frame-ancestors``, which supersedes
#: ``X-Frame-Options``).
PAGE_CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
{%- endif %}

{%- if cookiecutter.app_style == "full" %}

#: Content-Security-Policy of every other response (JSON, files): a document that loads
{%- else %}

#: Content-Security-Policy of every response (JSON): a document that loads
{%- endif %}
#: nothing and may not be framed, as OWASP's REST Security Cheat Sheet recommends for APIs.
API_CSP = "default-src 'none'; frame-ancestors 'none'"

#: Headers sent with every response (OWASP Secure Headers Project, MDN's HTTP headers
#: reference). ``nosniff``: browsers use the declared Content-Type and do not guess
#: another (a JSON body or an upload never runs as a script or a page). ``X-Frame-Options``:
#: ``frame-ancestors`` for browsers that predate CSP Level 2. ``Referrer-Policy``: the full
{%- if cookiecutter.app_style == "full" %}
#: URL goes to this origin only, nothing to other sites; ``same-origin`` rather than
#: ``no-referrer`` because Flask-WTF's CSRF check wants a same-origin ``Referer`` on HTTPS.
{%- else %}
#: URL goes to this origin only, nothing to other sites.
{%- endif %}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

#: Strict-Transport-Security (HSTS, RFC 6797): for a year, browsers reach this host over
#: HTTPS only. Sent only on a request that came over HTTPS (RFC 6797 section 7.2: a host
#: must not send it over plain HTTP). Subdomains are left out (no ``includeSubDomains``):
#: they may be other services, not all of them on HTTPS.
HSTS = "max-age=31536000"


class SecurityHeaders(Middleware):
    """WSGI middleware (PEP 3333) that adds the headers above a response does not carry.

    HSTS goes with a request that came over HTTPS: the WSGI ``url_scheme``, which gunicorn
    sets to ``https`` from ``X-Forwarded-Proto`` only for a trusted proxy
    (``forwarded_allow_ips``, see gunicorn.conf.py); the app never reads that header
    itself, so a client cannot ask for HSTS on plain HTTP.
    """

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
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
