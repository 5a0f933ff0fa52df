"""Sales orders use the same codes as every plugin: an illegal step is INVALID_STATE (with the
action and the states it is allowed from), a malformed id VALIDATION naming the argument, an unknown
one NOT_FOUND."""

from __future__ import annotations

import pytest

from .helpers import CANCEL_ORDER, CLOSE_ORDER, CONFIRM_ORDER, ORDER, confirmed_order, line, orders_site


@pytest.fixture
def site(make_app, make_client):
    return orders_site(make_app, make_client)


def test_an_illegal_step_names_the_action_and_the_allowed_states(site):
    rep, ids = site["rep_east"], site.ids
    order = confirmed_order(rep, ids["C-EAST"], [line(ids["BD-01"], 2)])
    err = rep.error(CLOSE_ORDER, {"id": order["id"]})
    assert err["extensions"]["code"] == "INVALID_STATE"
    assert err["extensions"]["details"] == {"state": "confirmed", "action": "close", "allowedFrom": ["shipped"]}
    assert "cannot be closed (only from shipped)" in err["message"]


@pytest.mark.parametrize(("doc", "extra"), [(CONFIRM_ORDER, {}), (CANCEL_ORDER, {"r": "x"}), (ORDER, {})])
def test_malformed_ids_are_validation_and_unknown_ones_not_found(site, doc, extra):
    rep = site["rep_east"]
    err = rep.error(doc, {"id": "SO-1", **extra})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("VALIDATION", "id")
    err = rep.error(doc, {"id": "99999", **extra})
    assert err["extensions"]["code"] == "NOT_FOUND"
