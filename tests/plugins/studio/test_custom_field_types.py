"""Every custom field type through GraphQL: typed output, validation naming the field, filters."""

from __future__ import annotations

DEFINE = "mutation($i: CustomFieldDefineInput!) { customFieldDefine(input: $i) { id code } }"
CREATE = """mutation($i: ProductCreateInput!) { productCreate(input: $i) { id code
    customFields { drawingNo batchSize firstArticleOn hazardous finish matingPart weightKg } } }"""
LIST = "query($f: ProductFilter) { products(filter: $f) { nodes { code } } }"
META = {"owner": "eng_chen", "purpose": "New customer's drawing data", "reviewDate": "2027-01-31"}
FIELDS = [
    {"code": "drawing_no", "type": "text", "maxLength": 20, "pattern": "DWG-[0-9]{4}", "labelZh": "图号", "labelEn": "Drawing no"},
    {"code": "batch_size", "type": "integer", "minValue": "1", "maxValue": "500", "default": "50",
     "labelZh": "批量", "labelEn": "Batch size"},
    {"code": "first_article_on", "type": "date", "labelZh": "首件日期", "labelEn": "First article"},
    {"code": "hazardous", "type": "boolean", "labelZh": "危险品", "labelEn": "Hazardous"},
    {"code": "finish", "type": "choice", "choices": ["ground", "turned"], "labelZh": "表面", "labelEn": "Finish"},
    {"code": "mating_part", "type": "reference", "refEntity": "stock.product", "labelZh": "配件", "labelEn": "Mating part"},
    {"code": "weight_kg", "type": "decimal", "scale": 3, "unit": "kg", "labelZh": "重量", "labelEn": "Weight"},
]


def test_each_type_is_typed_validated_and_filterable(make_app, client_as):
    app = make_app(plugins=["stock", "studio"], settings={"api": {"plugin_check_seconds": 0}})
    eng = client_as(app, "config_manager", "warehouse_manager")
    for f in FIELDS:
        eng.ok(DEFINE, {"i": {"entity": "stock.product", **META, **f}})
    types = eng.ok("""query { __type(name: "ProductCustomFields") { fields { name type { name } } } }""")
    assert {f["name"]: f["type"]["name"] for f in types["__type"]["fields"]} == {
        "drawingNo": "String", "batchSize": "Int", "firstArticleOn": "Date", "hazardous": "Boolean",
        "finish": "String", "matingPart": "ID", "weightKg": "Decimal"}

    a = eng.ok(CREATE, {"i": {"code": "A", "name": "A", "customFields": {
        "drawingNo": "DWG-0001", "firstArticleOn": "2026-11-30", "hazardous": True, "finish": "ground",
        "weightKg": "1.250"}}})["productCreate"]
    assert a["customFields"] == {"drawingNo": "DWG-0001", "batchSize": 50, "firstArticleOn": "2026-11-30",
                                 "hazardous": True, "finish": "ground", "matingPart": None, "weightKg": "1.250"}
    b = eng.ok(CREATE, {"i": {"code": "B", "name": "B", "customFields": {
        "batchSize": 200, "firstArticleOn": "2026-12-15", "hazardous": False, "finish": "turned",
        "matingPart": a["id"], "weightKg": "12"}}})["productCreate"]
    assert (b["customFields"]["matingPart"], b["customFields"]["weightKg"]) == (a["id"], "12.000")

    for values, field, code in (({"drawingNo": "X-1"}, "drawingNo", "VALIDATION"),
                                ({"drawingNo": "DWG-00001" * 3}, "drawingNo", "VALIDATION"),
                                ({"batchSize": 0}, "batchSize", "VALIDATION"),
                                ({"finish": "polished"}, "finish", "VALIDATION"),
                                ({"weightKg": "0.0001"}, "weightKg", "VALIDATION"),
                                ({"matingPart": "999999"}, "matingPart", "NOT_FOUND"),
                                ({"matingPart": "x"}, "matingPart", "VALIDATION")):
        err = eng.error(CREATE, {"i": {"code": "C", "name": "C", "customFields": values}})
        assert (err["extensions"]["code"], err["extensions"]["field"]) == (code, f"customFields.{field}"), err

    def codes(conditions):
        return [n["code"] for n in eng.ok(LIST, {"f": {"customFields": conditions}})["products"]["nodes"]]

    assert codes({"batchSize": {"gt": 50}}) == ["B"]
    assert codes({"batchSize": {"gte": 50, "lte": 200}}) == ["A", "B"]
    assert codes({"firstArticleOn": {"lt": "2026-12-01"}}) == ["A"]
    assert codes({"hazardous": {"eq": False}}) == ["B"]
    assert codes({"finish": {"in": ["ground", "turned"]}, "drawingNo": {"eq": "DWG-0001"}}) == ["A"]
    assert codes({"matingPart": {"eq": a["id"]}}) == ["B"]
    assert codes({"weightKg": {"gte": "2"}}) == ["B"]
    assert codes({"weightKg": {"eq": "1.25"}}) == ["A"]
    assert codes({"weightKg": {}}) == codes({}) == ["A", "B"]  # empty conditions narrow nothing


def test_definitions_are_listed_and_purge_drops_the_values(make_app, client_as):
    app = make_app(plugins=["stock", "studio"], settings={"api": {"plugin_check_seconds": 0}})
    eng = client_as(app, "config_manager", "warehouse_manager")
    weight = eng.ok(DEFINE, {"i": {"entity": "stock.product", **META, **FIELDS[-1]}})["customFieldDefine"]
    entities = eng.ok("query { customizableEntities { name graphqlType hasCategories } }")["customizableEntities"]
    assert {"name": "stock.product", "graphqlType": "Product", "hasCategories": True} in entities
    listed = eng.ok("""query { customFieldDefinitions(entity: "stock.product") {
        code graphqlName type scale unit owner purpose reviewDate labelZh } }""")["customFieldDefinitions"]
    assert listed == [{"code": "weight_kg", "graphqlName": "weightKg", "type": "decimal", "scale": 3, "unit": "kg",
                       "owner": "eng_chen", "purpose": "New customer's drawing data", "reviewDate": "2027-01-31",
                       "labelZh": "重量"}]
    create = "mutation($i: ProductCreateInput!) { productCreate(input: $i) { id customFields { weightKg } } }"
    eng.ok(create, {"i": {"code": "A", "name": "A", "customFields": {"weightKg": "2.5"}}})
    purge = "mutation($id: ID!) { customFieldPurge(id: $id) }"
    assert eng.error(purge, {"id": weight["id"]})["extensions"]["code"] == "INVALID_STATE"  # remove it first
    eng.ok("mutation($id: ID!) { customFieldRemove(id: $id) { active } }", {"id": weight["id"]})
    assert eng.ok("""query { customFieldDefinitions(includeRemoved: true) { code active } }""")[
        "customFieldDefinitions"] == [{"code": "weight_kg", "active": False}]
    assert eng.ok(purge, {"id": weight["id"]}) == {"customFieldPurge": 1}
    eng.ok(DEFINE, {"i": {"entity": "stock.product", **META, **FIELDS[-1]}})
    got = eng.ok("query { products { nodes { code customFields { weightKg } } } }")["products"]["nodes"]
    assert got == [{"code": "A", "customFields": {"weightKg": None}}]  # purged values do not come back
