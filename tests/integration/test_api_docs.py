"""The interactive docs page works offline: every asset it loads comes from this server."""

from __future__ import annotations

import re

from simulator.api.testing import api_client


def test_docs_page_loads_swagger_ui_from_this_server_only():
    with api_client() as client:
        page = client.get("/docs")
        assert page.status_code == 200
        assert "text/html" in page.headers["content-type"]
        assets = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", page.text)
        assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
        assert not [a for a in assets if "://" in a], "the docs page reaches off this server"
        for asset in assets:
            assert client.get(asset).status_code == 200, asset
        assert "/openapi.json" in page.text


def test_redoc_is_not_served_since_it_needs_a_cdn():
    with api_client() as client:
        response = client.get("/redoc")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
