"""Custom fields end to end through GraphQL: the quality supervisor's field bound to a category."""

from __future__ import annotations

import pytest

DEFINE = """mutation($i: CustomFieldDefineInput!) { customFieldDefine(input: $i) {
    id code graphqlName type categoryId required active version } }"""
CATEGORY = "mutation($i: CategoryCreateInput!) { productCategoryCreate(input: $i) { id } }"
CREATE = "mutation($i: ProductCreateInput!) { productCreate(input: $i) { id code customFields { surfaceRoughnessRa } } }"
UPDATE = """mutation($id: ID!, $i: ProductUpdateInput!) { productUpdate(id: $id, input: $i) {
    id customFields { surfaceRoughnessRa } } }"""
LIST = """query($f: ProductFilter) { products(filter: $f) { totalCount nodes { code customFields { surfaceRoughnessRa } } } }"""

RA = {"entity": "stock.product", "code": "surface_roughness_ra", "type": "decimal", "scale": 2, "unit": "µm",
      "minValue": "0", "maxValue": "25", "required": True, "labelZh": "表面粗糙度 Ra", "labelEn": "Surface roughness Ra",
      "owner": "qa_li", "purpose": "Customer X demands Ra on every machined part", "reviewDate": "2027-06-30"}


def test_quality_supervisor_defines_a_field_for_one_category(make_app, client_as):
    app = make_app(plugins=["stock", "studio"], settings={"api": {"plugin_check_seconds": 0}})
    admin = client_as(app, "admin")
    supervisor = client_as(app, "config_manager", "warehouse_manager", username="qa_li")
    machined = admin.ok(CATEGORY, {"i": {"code": "MACH", "name": "Machined parts"}})["productCategoryCreate"]["id"]
    discs = admin.ok(CATEGORY, {"i": {"code": "DISC", "name": "Brake discs", "parentId": machined}})["productCategoryCreate"]["id"]
    castings = admin.ok(CATEGORY, {"i": {"code": "CAST", "name": "Castings"}})["productCategoryCreate"]["id"]

    # before any definition the schema has no custom fields at all
    assert admin.error(CREATE, {"i": {"name": "x", "categoryId": discs}})["extensions"]["code"] != "OK"

    # one mutation: define and publish
    field = supervisor.ok(DEFINE, {"i": {**RA, "categoryId": machined}})["customFieldDefine"]
    assert (field["graphqlName"], field["type"], field["categoryId"], field["active"]) == \
        ("surfaceRoughnessRa", "decimal", machined, True)

    # a product of a subcategory of the bound category takes a value through stock's own mutation
    disc = supervisor.ok(CREATE, {"i": {"code": "BD-280", "name": "Brake disc 280", "categoryId": discs,
                                        "customFields": {"surfaceRoughnessRa": "1.60"}}})["productCreate"]
    assert disc["customFields"] == {"surfaceRoughnessRa": "1.60"}
    supervisor.ok(CREATE, {"i": {"code": "BD-320", "name": "Brake disc 320", "categoryId": discs,
                                 "customFields": {"surfaceRoughnessRa": "3.2"}}})

    # wrong values are VALIDATION naming the field, and nothing is written
    for values, message in (({}, "required"), ({"surfaceRoughnessRa": "30"}, "between"),
                            ({"surfaceRoughnessRa": "1.234"}, "decimal place")):
        err = supervisor.error(CREATE, {"i": {"code": "BD-BAD", "name": "bad", "categoryId": discs,
                                              "customFields": values}})
        assert err["extensions"]["code"] == "VALIDATION" and err["extensions"]["field"] == "customFields.surfaceRoughnessRa"
        assert message in err["message"]
    assert supervisor.ok(LIST, {"f": {"search": "BD-BAD"}})["products"]["totalCount"] == 0

    # filtered on (an indexed JSON condition on PostgreSQL), with the list's own filters
    found = supervisor.ok(LIST, {"f": {"customFields": {"surfaceRoughnessRa": {"lte": "2"}}}})["products"]
    assert found == {"totalCount": 1, "nodes": [{"code": "BD-280", "customFields": {"surfaceRoughnessRa": "1.60"}}]}
    exact = supervisor.ok(LIST, {"f": {"search": "BD", "customFields": {"surfaceRoughnessRa": {"eq": "3.20"}}}})
    assert [n["code"] for n in exact["products"]["nodes"]] == ["BD-320"]

    # a product of another category refuses the field
    err = supervisor.error(CREATE, {"i": {"code": "CS-1", "name": "Casting", "categoryId": castings,
                                          "customFields": {"surfaceRoughnessRa": "1.60"}}})
    assert err["extensions"]["code"] == "VALIDATION" and "does not apply" in err["message"]
    cast = supervisor.ok(CREATE, {"i": {"code": "CS-1", "name": "Casting", "categoryId": castings}})["productCreate"]
    assert cast["customFields"] == {"surfaceRoughnessRa": None}

    # updates go through productUpdate too
    updated = supervisor.ok(UPDATE, {"id": disc["id"], "i": {"customFields": {"surfaceRoughnessRa": "0.80"}}})
    assert updated["productUpdate"]["customFields"] == {"surfaceRoughnessRa": "0.80"}

    # values are audited like any field
    audit = admin.ok("""query { auditLog(entityType: "studio_value") { nodes { action changes } } }""")
    assert any("surface_roughness_ra" in str(n["changes"]) and "0.80" in str(n["changes"])
               for n in audit["auditLog"]["nodes"])

    # removing the definition keeps the values: defining it again brings them back
    supervisor.ok("mutation($id: ID!) { customFieldRemove(id: $id) { active } }", {"id": field["id"]})
    gone = supervisor.error(LIST, {"f": None})
    assert "customFields" in gone["message"] or "surfaceRoughnessRa" in gone["message"]
    again = supervisor.ok(DEFINE, {"i": {**RA, "categoryId": machined}})["customFieldDefine"]
    assert again["id"] == field["id"] and again["version"] > field["version"]
    assert supervisor.ok(LIST, {"f": {"search": "BD-280"}})["products"]["nodes"][0]["customFields"] == \
        {"surfaceRoughnessRa": "0.80"}


def test_definitions_are_checked_and_need_config_manager(make_app, client_as):
    app = make_app(plugins=["stock", "studio"], settings={"api": {"plugin_check_seconds": 0}})
    clerk = client_as(app, "warehouse_clerk")
    assert clerk.error(DEFINE, {"i": RA})["extensions"]["code"] == "FORBIDDEN"
    cm = client_as(app, "config_manager")
    for change, field in (({"entity": "stock.nothing"}, "entity"), ({"code": "Bad Code"}, "code"),
                          ({"type": "color"}, "type"), ({"scale": 9}, "scale"), ({"owner": " "}, "owner"),
                          ({"categoryId": "999"}, "categoryId"), ({"minValue": "5", "maxValue": "1"}, "minValue")):
        err = cm.error(DEFINE, {"i": {**RA, **change}})
        assert (err["extensions"]["code"] in ("VALIDATION", "NOT_FOUND"), err["extensions"]["field"]) == (True, field), err
    cm.ok(DEFINE, {"i": {**RA, "required": False}})
    assert cm.error(DEFINE, {"i": RA})["extensions"]["field"] == "code"  # already defined


@pytest.mark.postgres_only
def test_value_filters_are_answered_from_indexes_on_postgresql(make_app, client_as):
    """Equality is JSONB containment (GIN index); ranges use the field's expression index."""
    from psycopg.types.json import Jsonb
    from sqlalchemy import select, text

    from tenon.plugins.stock import Product

    app = make_app(plugins=["stock", "studio"], settings={"api": {"plugin_check_seconds": 0}})
    cm = client_as(app, "config_manager", "warehouse_manager")
    cm.ok(DEFINE, {"i": {**RA, "required": False}})
    cm.ok(DEFINE, {"i": {**RA, "code": "finish", "type": "choice", "choices": ["ground", "turned"], "scale": None,
                         "unit": "", "minValue": None, "maxValue": None, "required": False}})
    from sqlalchemy import insert

    from tenon.plugins.studio.models import FieldValue

    with app.transaction() as s:  # enough rows, of which few match, for the planner to prefer an index
        s.execute(insert(FieldValue), [{"entity": "stock.product", "record_id": 1000 + i, "data": {
            "surface_roughness_ra": "1.00" if i % 100 == 0 else "10.00",
            "finish": "ground" if i % 100 == 0 else "turned"}} for i in range(5000)])
    with app.transaction() as s:
        s.execute(text("ANALYZE studio_value"))
    store, entity = app.custom_field_store, app.custom_entities["stock.product"]
    for conditions, index in (({"surface_roughness_ra": {"lte": "2"}}, "ixdyn_studio_value_"),
                              ({"finish": {"eq": "ground"}}, "ix_studio_value_data")):
        with app.transaction() as s:
            stmt = select(Product.id).where(store.criterion(s, entity, conditions))
            s.execute(text("SET LOCAL enable_seqscan = off"))  # the table is small; which index wins is the point
            compiled = stmt.compile(dialect=s.get_bind().dialect)
            params = {k: Jsonb(v) if isinstance(v, dict) else v for k, v in compiled.params.items()}
            plan = "\n".join(r[0] for r in s.connection().exec_driver_sql(f"EXPLAIN {compiled}", params))
        assert index in plan, plan


def test_studio_uninstalls_cleanly_and_the_schema_is_plain_again(make_app, client_as):
    from click.testing import CliRunner
    from sqlalchemy import inspect

    from tenon.core.cli import cli as kernel_cli

    app = make_app(plugins=["stock", "studio"], settings={"api": {"plugin_check_seconds": 0}})
    cm = client_as(app, "config_manager", "warehouse_manager")
    cm.ok(DEFINE, {"i": {**RA, "required": False}})
    cm.ok(CREATE, {"i": {"code": "BD-1", "name": "Disc", "customFields": {"surfaceRoughnessRa": "1.60"}}})
    result = CliRunner().invoke(kernel_cli, ["--site", str(app.site.path), "plugins", "uninstall", "studio", "--yes"])
    assert result.exit_code == 0, result.output
    assert not {"studio_value", "studio_field", "studio_rule"} & set(inspect(app.engine).get_table_names())
    assert cm.ok(LIST.replace(" customFields { surfaceRoughnessRa }", ""), {"f": None})["products"] == {
        "totalCount": 1, "nodes": [{"code": "BD-1"}]}
    err = cm.error(LIST, {"f": None})
    assert "customFields" in err["message"]
