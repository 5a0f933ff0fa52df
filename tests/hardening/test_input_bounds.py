"""Out-of-range input is a ``VALIDATION`` error naming the field (issue 14, items 1-5), as a literal
or as a variable, never an ``INTERNAL_ERROR``."""

from __future__ import annotations

import pytest

from plugins.orders.helpers import CONFIRM_ORDER, api_user, seed_master_data

HUGE = "9223372036854775808"  # 2^63


@pytest.fixture
def admin(make_app, make_client):
    app = make_app(plugins=["orders"])
    ids = seed_master_data(app)
    client = make_client(app, api_user(app, "boss", ["admin"]))
    client.ids = ids
    return client


def _validation(error: dict, field: str) -> None:
    assert error["extensions"]["code"] == "VALIDATION", error
    assert error["extensions"]["field"] == field, error


@pytest.mark.parametrize("query, field", [
    (f'{{ salesOrder(id: "{HUGE}") {{ id }} }}', "id"),
    (f'{{ lot(id: "{HUGE}") {{ id }} }}', "id"),
    (f'{{ label(kind: PRODUCT, id: "{HUGE}") {{ content }} }}', "id"),
    (f'{{ lotTrace(lotId: "{HUGE}", direction: UP) {{ root {{ id }} }} }}', "lotId"),
    (f'mutation {{ reservationRelease(ids: ["1", "{HUGE}"]) }}', "ids[1]"),
    (f'mutation {{ tokenRevoke(id: "{HUGE}") }}', "id"),
    ('{ salesOrder(id: "-1") { id } }', "id"),
    ('{ salesOrder(id: "0") { id } }', "id"),
])
def test_huge_ids_are_validation_errors(admin, query, field):
    _validation(admin.error(query), field)


def test_huge_id_as_variable_and_in_an_input(admin):
    _validation(admin.error(CONFIRM_ORDER, {"id": HUGE}), "id")
    create = "mutation($i: SalesOrderCreateInput!) { salesOrderCreate(input: $i) { id } }"
    err = admin.error(create, {"i": {"customerId": str(admin.ids["C-EAST"]),
                                     "lines": [{"productId": HUGE, "quantity": "1", "unitPrice": "1"}]}})
    _validation(err, "lines[0].productId")


def test_huge_cursor_is_a_validation_error(admin):
    import base64

    cursor = base64.urlsafe_b64encode(f"o:{10**30}".encode()).decode()
    _validation(admin.error("query($a: String) { salesOrders(first: 5, after: $a) { nodes { id } } }", {"a": cursor}),
                "after")


def test_plain_routes_answer_huge_ids_with_4xx(admin):
    for path in (f"/attachments/{HUGE}", f"/stock/labels/product/{HUGE}"):
        response = admin.http.get(path, headers={"Authorization": f"Bearer {admin.token}"})
        assert 400 <= response.status_code < 500, (path, response.status_code, response.text)
        assert response.json()["error"]["code"] in ("VALIDATION", "NOT_FOUND")


@pytest.mark.parametrize("value", ["1e999999", "1E+400", "1" * 100, "NaN", "Infinity", "0.000001"])
def test_unbounded_decimals_are_validation_errors(admin, value):
    create = "mutation($i: CustomerCreateInput!) { customerCreate(input: $i) { id } }"
    err = admin.error(create, {"i": {"code": "C-X", "name": "X", "regionCode": "east", "creditLimit": value}})
    _validation(err, "creditLimit")
    literal = f'mutation {{ customerCreate(input: {{code: "C-X", name: "X", regionCode: "east", creditLimit: "{value}"}}) {{ id }} }}'
    _validation(admin.error(literal), "creditLimit")


def test_decimal_within_bounds_is_accepted(admin):
    create = "mutation($i: CustomerCreateInput!) { customerCreate(input: $i) { creditLimit } }"
    data = admin.ok(create, {"i": {"code": "C-Y", "name": "Y", "regionCode": "east", "creditLimit": "99999999999999.9999"}})
    assert data["customerCreate"]["creditLimit"].startswith("99999999999999.9999")


def test_dates_out_of_range_are_validation_errors(admin):
    err = admin.error('{ deliveryCycleTime(from: "0001-01-01", to: "9999-12-31") { count } }')
    assert err["extensions"]["code"] == "VALIDATION" and err["extensions"]["field"] in ("from", "to"), err
    ok = admin.ok('{ deliveryCycleTime(from: "2026-01-01", to: "2026-12-31") { count } }')
    assert ok["deliveryCycleTime"]["count"] == 0


def test_datetime_without_offset_is_utc(admin):
    naive = admin.ok('{ auditLog(since: "2026-01-01T00:00:00", first: 1) { totalCount } }')
    aware = admin.ok('{ auditLog(since: "2026-01-01T00:00:00+00:00", first: 1) { totalCount } }')
    assert naive == aware
    _validation(admin.error('{ auditLog(since: "99999-01-01T00:00:00") { totalCount } }'), "since")


def test_strings_have_maximum_lengths(admin):
    err = admin.error("query($s: String) { customers(search: $s) { nodes { id } } }", {"s": "%" * 100_000})
    _validation(err, "search")
    assert err["extensions"]["details"]["max"] == 200
    create = "mutation($i: CustomerCreateInput!) { customerCreate(input: $i) { id } }"
    err = admin.error(create, {"i": {"code": "C-N", "name": "N", "regionCode": "east", "notes": "x" * 5_000_000}})
    _validation(err, "notes")
    literal = '{ customers(search: "%s") { nodes { id } } }' % ("a" * 201)
    _validation(admin.error(literal), "search")
    assert admin.ok('{ customers(search: "%s") { nodes { id } } }' % ("a" * 200))
