"""Who may do what: planners read, clerks do the floor work, managers keep master data and approve.
Every operation is refused (FORBIDDEN) to a role without it, and to a user without any role."""

from __future__ import annotations

import pytest

from .helpers import create_product, levels, receive, stock_site

LINE = {"productId": "1", "quantity": "1"}

#: (operation, variables, the role that must be refused)
DENIED = [
    ('mutation($i: ProductCreateInput!) { productCreate(input: $i) { id } }', {"i": {"name": "x"}}, "clerk"),
    ('mutation($i: ProductUpdateInput!) { productUpdate(id: "1", input: $i) { id } }', {"i": {"name": "x"}}, "clerk"),
    ('mutation($i: CategoryCreateInput!) { productCategoryCreate(input: $i) { id } }', {"i": {"code": "c", "name": "c"}}, "clerk"),
    ('mutation($i: WarehouseCreateInput!) { warehouseCreate(input: $i) { id } }', {"i": {"code": "W", "name": "w"}}, "clerk"),
    ('mutation($i: LocationCreateInput!) { locationCreate(input: $i) { id } }', {"i": {"code": "L", "name": "l"}}, "clerk"),
    ('mutation($i: LotCreateInput!) { lotCreate(input: $i) { id } }', {"i": {"productId": "1", "code": "L"}}, "planner"),
    ('mutation($i: LotConsumptionInput!) { lotConsumptionRecord(input: $i) { id } }',
     {"i": {"producedLotId": "1", "consumed": [{"lotId": "2", "quantity": "1"}]}}, "planner"),
    ('mutation($i: ReceiptCreateInput!) { receiptCreate(input: $i) { id } }', {"i": {"lines": [LINE]}}, "planner"),
    ('mutation { receiptValidate(id: "1") { id } }', {}, "planner"),
    ('mutation { receiptCancel(id: "1") { id } }', {}, "clerk"),
    ('mutation($i: RequisitionCreateInput!) { requisitionCreate(input: $i) { id } }', {"i": {"lines": [LINE]}}, "planner"),
    ('mutation { requisitionApprove(id: "1") { id } }', {}, "clerk"),
    ('mutation { requisitionIssue(id: "1") { id } }', {}, "planner"),
    ('mutation { requisitionClose(id: "1") { id } }', {}, "clerk"),
    ('mutation { requisitionCancel(id: "1") { id } }', {}, "clerk"),
    ('mutation($i: ShipmentCreateInput!) { shipmentCreate(input: $i) { id } }',
     {"i": {"originType": "t", "originId": 1, "lines": [LINE]}}, "planner"),
    ('mutation { shipmentPick(id: "1") { id } }', {}, "planner"),
    ('mutation { shipmentConfirm(id: "1") { id } }', {}, "planner"),
    ('mutation { shipmentCancel(id: "1") { id } }', {}, "clerk"),
    ('mutation($i: TransferCreateInput!) { transferCreate(input: $i) { id } }',
     {"i": {"fromLocationId": "1", "toLocationId": "2", "lines": [LINE]}}, "planner"),
    ('mutation { transferValidate(id: "1") { id } }', {}, "planner"),
    ('mutation { transferCancel(id: "1") { id } }', {}, "clerk"),
    ('mutation($i: MoveScanInput!) { moveScan(input: $i) { id } }',
     {"i": {"fromCode": "a", "toCode": "b", "itemCode": "c", "quantity": "1"}}, "planner"),
    ('mutation($i: ReservationCreateInput!) { reservationCreate(input: $i) { id } }',
     {"i": {"productId": "1", "quantity": "1", "originType": "t", "originId": 1}}, "planner"),
    ('mutation { reservationRelease(ids: ["1"]) }', {}, "planner"),
    ('mutation($i: CountCreateInput!) { countCreate(input: $i) { id } }', {"i": {"locationId": "2"}}, "planner"),
    ('mutation($e: [CountEntryInput!]!) { countRecord(id: "1", entries: $e) { id } }',
     {"e": [{"lineId": "1", "countedQuantity": "1"}]}, "planner"),
    ('mutation { countConfirm(id: "1") { id } }', {}, "clerk"),
    ('mutation { countCancel(id: "1") { id } }', {}, "clerk"),
]

READS = [
    '{ product(id: "1") { id } }', "{ products { totalCount } }", "{ productCategories { totalCount } }",
    "{ units { code } }", "{ warehouses { totalCount } }", '{ location(id: "1") { id } }', "{ locations { totalCount } }",
    '{ lot(id: "1") { id } }', "{ lots { totalCount } }", "{ moves { totalCount } }", "{ stockLevels { totalCount } }",
    "{ belowReorderPoint { totalCount } }", "{ reservations { totalCount } }", '{ receipt(id: "1") { id } }',
    "{ receipts { totalCount } }", '{ requisition(id: "1") { id } }', "{ requisitions { totalCount } }",
    '{ shipment(id: "1") { id } }', "{ shipments { totalCount } }", '{ transfer(id: "1") { id } }',
    "{ transfers { totalCount } }", '{ count(id: "1") { id } }', "{ counts { totalCount } }",
    '{ inventoryAccuracy(from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z") { countedLines } }',
    '{ lotTrace(lotId: "1", direction: UP) { direction } }', '{ scan(code: "x") { kind } }',
    '{ label(kind: PRODUCT, id: "1", format: SVG) { value } }',
]


@pytest.fixture
def site(make_app, make_client):
    return stock_site(make_app, make_client)


def test_each_operation_is_refused_to_a_role_without_it(site):
    """Each mutation is FORBIDDEN to the role just below the one that may do it, and to a user
    without roles; the refused attempts left no product, document or stock behind."""
    for query, variables, role in DENIED:
        for client in (getattr(site, role), site.nobody):
            err = client.error(query, variables)
            assert err["extensions"]["code"] == "FORBIDDEN", (query, role)
    counts = site.boss.ok("{ products { totalCount } receipts { totalCount } shipments { totalCount } "
                          "requisitions { totalCount } moves { totalCount } }")
    assert all(v["totalCount"] == 0 for v in counts.values())


def test_reads_need_a_stock_role(site):
    """Every query is FORBIDDEN to a user without roles and UNAUTHENTICATED without a token; a
    planner may run them all."""
    anonymous = site.nobody.as_token(None)
    for query in READS:
        assert site.nobody.error(query)["extensions"]["code"] == "FORBIDDEN", query
        assert anonymous.error(query)["extensions"]["code"] == "UNAUTHENTICATED", query
        body = site.planner.post(query)
        codes = {e["extensions"]["code"] for e in body.get("errors") or []}
        assert not codes & {"FORBIDDEN", "UNAUTHENTICATED"}, (query, codes)


def test_roles_can_do_their_work(site):
    """A clerk receives and ships; a planner sees the result; a manager creates products."""
    disc = create_product(site.boss, "FG-DISC", "Brake disc")
    receive(site.clerk, disc["id"], 3)
    assert levels(site.planner, disc["id"]) == (3, 0, 3)
