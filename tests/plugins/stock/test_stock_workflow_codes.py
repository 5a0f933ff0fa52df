"""One error code per meaning on stock's documents, through GraphQL: an illegal step is
INVALID_STATE with the state, the action and the states it is allowed from; a malformed id is
VALIDATION naming the argument; an unknown id is NOT_FOUND."""

from __future__ import annotations

import pytest

from .helpers import CANCEL_SHIPMENT, CONFIRM_SHIPMENT, PICK_SHIPMENT, create_product, receive, ship, stock_site


@pytest.fixture
def site(make_app, make_client):
    return stock_site(make_app, make_client)


def test_an_illegal_step_is_invalid_state_with_the_allowed_states(site):
    clerk = site.boss  # may pick, confirm and cancel
    item = create_product(clerk, name="Disc")
    receive(clerk, item["id"], 10)
    shipment = ship(clerk, item["id"], 4)  # confirmed: done
    err = clerk.error(PICK_SHIPMENT, {"id": shipment["id"]})
    assert err["extensions"]["code"] == "INVALID_STATE"
    assert err["extensions"]["field"] == "state"
    assert err["extensions"]["details"] == {"state": "done", "action": "pick", "allowedFrom": ["draft"]}
    assert err["message"] == f"shipment {shipment['number']} is done; it cannot be picked (only from draft)"
    err = clerk.error(CANCEL_SHIPMENT, {"id": shipment["id"]})
    assert err["extensions"]["details"]["allowedFrom"] == ["draft", "picked"]


@pytest.mark.parametrize("doc", [PICK_SHIPMENT, CONFIRM_SHIPMENT, CANCEL_SHIPMENT])
def test_malformed_ids_are_validation_and_unknown_ones_not_found(site, doc):
    err = site.boss.error(doc, {"id": "SH-1"})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("VALIDATION", "id")
    err = site.boss.error(doc, {"id": "99999"})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("NOT_FOUND", "id")
    assert err["message"] == "shipment 99999 not found"
