"""Deterministic data and users for tests of scopeplug (used by tests/graphql/test_*.py and bench/).

Regions and amounts (derive expected figures from this table)::

    order  customer  item  region  amount
    O-E1   C-E1      I-1   east     100
    O-E2   C-E1      I-2   east      50
    O-E3   C-E2      I-1   east      25
    O-W1   C-W1      I-1   west     200
    O-W2   C-W1      I-2   west      75
    O-N1   C-N1      I-2   north   1000

east: 3 orders, 175; west: 2 orders, 275; east+west: 5 orders, 450; all: 6 orders, 1450.
Customers: east C-E1, C-E2; west C-W1; north C-N1.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tenon.core import auth

from .models import Customer, Item, Order

ITEM_ROWS = [("I-1", "Bolt"), ("I-2", "Nut")]
CUSTOMER_ROWS = [("C-E1", "East One", "east"), ("C-E2", "East Two", "east"), ("C-W1", "West One", "west"),
                 ("C-N1", "North One", "north")]
ORDER_ROWS = [("O-E1", "C-E1", "I-1", "100"), ("O-E2", "C-E1", "I-2", "50"), ("O-E3", "C-E2", "I-1", "25"),
              ("O-W1", "C-W1", "I-1", "200"), ("O-W2", "C-W1", "I-2", "75"), ("O-N1", "C-N1", "I-2", "1000")]

# username -> (roles, attributes)
USERS: dict[str, tuple[list[str], dict[str, Any]]] = {
    "rep_east": (["scoped_rep"], {"regions": ["east"]}),
    "rep_ew": (["scoped_rep"], {"regions": ["east", "west"]}),
    "rep_none": (["scoped_rep"], {}),
    "manager": (["manager"], {}),
    "viewer": (["viewer"], {}),
    "outsider": (["outsider"], {"regions": ["east"]}),
    "admin": (["admin"], {}),
}


def seed(app: Any) -> dict[str, int]:
    """Insert the table above as the system actor; returns ``{code or number: id}``."""
    ids: dict[str, int] = {}
    with app.transaction(operation="test:seed") as s:
        for code, name in ITEM_ROWS:
            item = Item(code=code, name=name)
            s.add(item)
            s.flush()
            ids[code] = item.id
        for code, name, region in CUSTOMER_ROWS:
            customer = Customer(code=code, name=name, region=region)
            s.add(customer)
            s.flush()
            ids[code] = customer.id
        for number, customer_code, item_code, amount in ORDER_ROWS:
            order = Order(number=number, customer_id=ids[customer_code], item_id=ids[item_code],
                          region=next(r for c, _n, r in CUSTOMER_ROWS if c == customer_code), amount=Decimal(amount))
            s.add(order)
            s.flush()
            ids[number] = order.id
    return ids


def api_user(app: Any, username: str, roles: list[str], attributes: dict[str, Any] | None = None) -> str:
    """A user without a password (no argon2 hashing: fast) and an API token for it; returns the token."""
    with app.transaction(operation="test:create_user") as s:
        user = auth.create_user(s, username, roles=roles, attributes=attributes)
        return auth.issue_token(s, user, kind="api", name="test")


def users(app: Any, names: list[str] | None = None) -> dict[str, str]:
    """Create the users of :data:`USERS` (or ``names`` of them); returns ``{username: token}``."""
    return {name: api_user(app, name, *USERS[name]) for name in (names or list(USERS))}


def gid(value: int) -> str:
    """A GraphQL ID from a database id."""
    return str(value)


# ------------------------------------------------------------------------------------- operations

CUSTOMERS = "{ customers { totalCount nodes { code region orders { number } } } }"
CUSTOMER = "query($id: ID!) { customer(id: $id) { code name region orders { number } } }"
ORDERS = "{ orders { totalCount nodes { number region amount customer { code } item { code } } } }"
ORDER = "query($id: ID!) { order(id: $id) { number region amount } }"
ITEMS = "{ items { totalCount nodes { code orders { number } } } }"
ORDER_STATS = "{ orderStats { count totalAmount } }"
ORDER_UPDATE = "mutation($i: OrderUpdateInput!) { orderUpdate(input: $i) { number amount } }"
CUSTOMER_RENAME = "mutation($i: CustomerRenameInput!) { customerRename(input: $i) { code name } }"


class ScopeSite:
    """A migrated site with scopeplug, the seeded table above, its users and one client per user."""

    def __init__(self, make_app: Any, make_client: Any, names: list[str] | None = None, **app_kw: Any) -> None:
        from . import plugin

        self.app = make_app(plugins=["scopeplug"], extra_plugins=[plugin], **app_kw)
        self.ids = seed(self.app)
        self.tokens = users(self.app, names)
        self.clients = {name: make_client(self.app, token) for name, token in self.tokens.items()}

    def __getitem__(self, username: str) -> Any:
        return self.clients[username]

    def order_numbers(self, username: str = "manager") -> dict[str, Decimal]:
        """``{number: amount}`` of the orders ``username`` sees (the manager sees all)."""
        nodes = self.clients[username].ok(ORDERS)["orders"]["nodes"]
        return {n["number"]: Decimal(n["amount"]) for n in nodes}

    def customer_names(self, username: str = "manager") -> dict[str, str]:
        data = self.clients[username].ok("{ customers { nodes { code name } } }")
        return {n["code"]: n["name"] for n in data["customers"]["nodes"]}
