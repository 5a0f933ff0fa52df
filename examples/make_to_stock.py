#!/usr/bin/env python3
"""Make-to-stock over the GraphQL API, as an outside client does it (standard library only).

A sales rep signs in, creates an order for one of her customers and confirms it; a warehouse
clerk signs in, finds where the goods are, ships the order from there and confirms the stock
shipment; the order's final state is printed.

    python examples/make_to_stock.py http://127.0.0.1:8000

Defaults match the demo site (``tenon demo``): rep ``rep_east``, clerk ``clerk``, product
``FG-BRKT-MNT`` (motor mount brackets, in stock); passwords are ``<username>-demo``. Exit status 0 when the order ends SHIPPED.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from decimal import Decimal
from typing import Any


class ApiError(Exception):
    """The server answered with GraphQL errors."""


class Client:
    """A tiny GraphQL-over-HTTP client: POST {query, variables} with a bearer token."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.url = base_url.rstrip("/") + "/graphql"
        self.token = token

    def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables}).encode()
        request = urllib.request.Request(self.url, data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                payload = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise ApiError(f"HTTP {exc.code}: {exc.read().decode(errors='replace')[:500]}") from None
        if payload.get("errors"):
            first = payload["errors"][0]
            code = (first.get("extensions") or {}).get("code", "?")
            raise ApiError(f"{code}: {first.get('message')}")
        return payload["data"]

    def login(self, username: str, password: str) -> Client:
        data = self("mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
                    u=username, p=password)
        return Client(self.url[: -len("/graphql")], data["login"]["token"])


def run(base_url: str, *, rep: tuple[str, str], clerk: tuple[str, str], product_code: str,
        quantity: Decimal, out: Any = sys.stdout) -> str:
    """Run the flow; returns the order's final state (e.g. ``SHIPPED``)."""
    anonymous = Client(base_url)

    sales = anonymous.login(*rep)
    customer = sales("{ customers(first: 1) { nodes { id code name regionCode } } }")["customers"]["nodes"]
    if not customer:
        raise ApiError(f"{rep[0]} has no customer in her regions")
    customer = customer[0]
    products = sales("query($s: String!) { products(filter: {search: $s}, first: 10) { nodes { id code name } } }",
                     s=product_code)["products"]["nodes"]
    product = next((p for p in products if p["code"] == product_code), None)
    if product is None:
        raise ApiError(f"no product {product_code}")
    order = sales("""mutation($i: SalesOrderCreateInput!) { salesOrderCreate(input: $i) {
                       id number state lines { id quantity } } }""",
                  i={"customerId": customer["id"], "customerReference": "EXAMPLE-MTS",
                     "lines": [{"productId": product["id"], "quantity": str(quantity), "unitPrice": "25.00"}]}
                  )["salesOrderCreate"]
    print(f"{rep[0]}: created {order['number']} for {customer['code']} {customer['name']} "
          f"({customer['regionCode']}): {quantity} x {product['code']}", file=out)
    state = sales("mutation($id: ID!) { salesOrderConfirm(id: $id) { state } }", id=order["id"])
    print(f"{rep[0]}: confirmed {order['number']} -> {state['salesOrderConfirm']['state']}", file=out)

    warehouse = anonymous.login(*clerk)
    levels = warehouse("""query($p: ID!) { stockLevels(productId: $p, first: 50) {
                            nodes { available location { id code } } } }""", p=product["id"])["stockLevels"]["nodes"]
    source = next((lv["location"] for lv in levels if Decimal(lv["available"]) >= quantity), None)
    if source is None:
        raise ApiError(f"not enough {product['code']} in any one location to ship {quantity}")
    shipment = warehouse("""mutation($i: SalesOrderShipInput!) { salesOrderShip(input: $i) { id number state } }""",
                         i={"orderId": order["id"], "fromLocationId": source["id"]})["salesOrderShip"]
    print(f"{clerk[0]}: shipment {shipment['number']} from {source['code']} ({shipment['state']})", file=out)
    done = warehouse("mutation($id: ID!) { shipmentConfirm(id: $id) { number state } }", id=shipment["id"])
    print(f"{clerk[0]}: confirmed shipment {done['shipmentConfirm']['number']} -> {done['shipmentConfirm']['state']}",
          file=out)

    final = sales("query($id: ID!) { salesOrder(id: $id) { number state lines { shippedQuantity } } }",
                  id=order["id"])["salesOrder"]
    print(f"final state of {final['number']}: {final['state']}", file=out)
    return str(final["state"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--rep", default="rep_east", help="sales rep username")
    parser.add_argument("--rep-password", default=None, help="default: <rep>-demo")
    parser.add_argument("--clerk", default="clerk", help="warehouse clerk username")
    parser.add_argument("--clerk-password", default=None, help="default: <clerk>-demo")
    parser.add_argument("--product", default="FG-BRKT-MNT", help="product code to sell")
    parser.add_argument("--quantity", default="5", help="quantity to sell and ship")
    args = parser.parse_args(argv)
    try:
        state = run(args.base_url, rep=(args.rep, args.rep_password or f"{args.rep}-demo"),
                    clerk=(args.clerk, args.clerk_password or f"{args.clerk}-demo"),
                    product_code=args.product, quantity=Decimal(args.quantity))
    except (ApiError, urllib.error.URLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0 if state == "SHIPPED" else 2


if __name__ == "__main__":
    sys.exit(main())
