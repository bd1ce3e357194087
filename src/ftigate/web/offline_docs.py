"""``/docs`` with no internet access: Swagger UI's scripts and styles are served from the
``swagger-ui-bundle-v2`` package installed beside the gateway, never from a CDN.

The page and the API's own description (``/openapi.json``) hold no data and need no token.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"


def _assets() -> Path | None:
    try:
        import swagger_ui_bundle
    except ImportError:  # the page then says where its scripts would have come from; the API works without it
        return None
    return Path(swagger_ui_bundle.swagger_ui_path)


def install(app: FastAPI) -> None:
    """Serve ``/docs`` from the bundled assets (the app is made with ``docs_url=None``)."""
    assets = _assets()
    if assets is not None:
        app.mount(ASSETS, StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title}: API",
                                   swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{ASSETS}/favicon-32x32.png")
