"""Security headers on every response, as pure ASGI middleware.

The staff pages load only their own files (`static/app.js`, `static/style.css`; no inline
script or style, no CDN), so the policy can be strict: `default-src 'self'`, no framing, no
plug-ins, forms post only here. A response that sets its own Content-Security-Policy keeps
it: the source files (`/documents/{id}/file`) get a sandboxing one in
`search_api.routes.documents`, so an ingested web page with a `<script>` cannot run it on
this origin.
"""

from __future__ import annotations

from search_api.limits import ASGIApp, Message, Receive, Scope, Send

STAFF_CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""For the web page and every JSON answer (which a browser never renders as a page)."""
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
"""Only for /docs when `STYRDOK_API_DOCS` is on: Swagger UI comes from its CDN with an inline start-up script."""
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect")
ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class SecurityHeaders:
    """Adds `ALWAYS` and a Content-Security-Policy (unless the response has one)."""

    def __init__(self, app: ASGIApp, docs: bool = False) -> None:
        self.app = app
        self.docs = docs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_CSP if self.docs and scope.get("path") in DOCS_PATHS else STAFF_CSP

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in ALWAYS if name not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", policy.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
