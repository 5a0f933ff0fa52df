"""scopeplug: a test plugin that exercises row scopes, roles and DataLoaders through the HTTP API.

Tables ``scopeplug_customer`` and ``scopeplug_order`` are scoped by ``region``
(user attribute ``regions``); ``scopeplug_item`` is unscoped, and ``Item.orders``
is a nested path back into scoped rows. Roles (``policies.csv``): ``scoped_rep``
(read and update within their regions), ``manager`` (everything), ``viewer``
(read everything), ``outsider`` (nothing here).

Load it in a test with ``make_app(plugins=["scopeplug"], extra_plugins=[scopeplug.plugin])``.
It is not an entry point: it never reaches a real site.
"""

from .models import Customer, Item, Order

__all__ = ["Customer", "Item", "Order"]
