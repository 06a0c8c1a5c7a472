"""Interactive API docs served from this process: no CDN, nothing off loopback.

FastAPI's default ``/docs`` page loads Swagger UI from a public CDN, so it is blank
offline and makes the browser reach the network. journeysim serves the Swagger UI
assets that the ``swagger-ui-bundle`` package ships, from ``/docs/assets``, and
turns ReDoc (CDN-only) off.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

__all__ = ["ASSETS_PATH", "DOCS_PATH", "install_docs"]

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/assets"


def install_docs(app: FastAPI, *, title: str, openapi_url: str = "/openapi.json") -> None:
    """Serve Swagger UI at :data:`DOCS_PATH` with its assets from this process."""
    app.mount(ASSETS_PATH, StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get(DOCS_PATH, include_in_schema=False)
    def swagger_ui():
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} — docs",
            swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_PATH}/favicon-32x32.png",
        )
