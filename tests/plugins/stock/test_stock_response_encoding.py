"""The API answers in UTF-8 JSON: a product named in Chinese comes back as those characters, not as
``\\uXXXX`` escapes (half the bytes on a page of Chinese names), and the body is valid JSON
with ``Content-Type: application/json`` (what a scanner's or a dashboard's parser reads)."""

from __future__ import annotations

import json

from .helpers import create_product, stock_site

PRODUCT = "query($id: ID!) { product(id: $id) { id code name } }"


def test_non_ascii_names_come_back_as_utf8_json(make_app, make_client):
    site = stock_site(make_app, make_client)
    product = create_product(site.boss, code="ZD-01", name="制动盘 Ø280")
    response = site.boss.http.post("/graphql", json={"query": PRODUCT, "variables": {"id": product["id"]}},
                                   headers={"Authorization": f"Bearer {site.boss.token}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "制动盘 Ø280".encode() in response.content  # the characters themselves, UTF-8
    assert b"\\u" not in response.content
    assert json.loads(response.content) == {"data": {"product": {"id": product["id"], "code": "ZD-01",
                                                                 "name": "制动盘 Ø280"}}}
