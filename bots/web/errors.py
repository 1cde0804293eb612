"""The site's own error pages for every address: a path no route knows and a method a route does
not take get the translated 404 and 405 pages, as an unknown id does (docs/ARCHITECTURE.md,
"Public pages"), instead of aiohttp's plain "404: Not Found".
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from bots.web.guard import RateLimit, secure
from bots.web.server import Handler

Render = Callable[..., web.Response]  # (request, template, status, **values): PublicSite.page
TEXTS = {  # status → the page's title and text (templates/error.html)
    404: ("web.not_found_title", "web.not_found"),
    405: ("web.method_not_allowed_title", "web.method_not_allowed"),
}


def error_pages(render: Render, limit: RateLimit) -> Middleware:
    """A middleware answering 404 and 405 with the site's pages, in the reader's language.

    A miss of the route table passes the same rate limit as a page (those requests never reach a
    guarded handler); a handler's own 404 or 405 was already counted there."""

    @web.middleware
    async def pages(request: web.Request, handler: Handler) -> web.StreamResponse:
        miss = request.match_info.http_exception
        if miss is not None:
            await limit.admit(request)
            return page_for(render, request, miss)
        try:
            return await handler(request)
        except (web.HTTPNotFound, web.HTTPMethodNotAllowed) as error:
            return page_for(render, request, error)

    return pages


def page_for(render: Render, request: web.Request, error: web.HTTPException) -> web.Response:
    """The page of this error (405 names the methods the address takes); others unchanged."""
    if isinstance(error, web.HTTPMethodNotAllowed):
        response = error_page(render, request, 405)
        response.headers["Allow"] = ",".join(sorted(error.allowed_methods))
        return response
    if isinstance(error, web.HTTPNotFound):
        return error_page(render, request, 404)
    raise error


def error_page(render: Render, request: web.Request, status: int) -> web.Response:
    """The error page of this status in the reader's language, with the security headers."""
    title, message = TEXTS[status]
    return secure(render(request, "error.html", status, title=title, message=message))
