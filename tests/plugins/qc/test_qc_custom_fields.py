"""Inspections take custom fields when studio is installed (qc declares the entity ``qc.inspection``)."""

from __future__ import annotations

from mrp.helpers import api_user

from .helpers import CREATE_INSP, VISUAL, plan, qc_site

DEFINE = "mutation($i: CustomFieldDefineInput!) { customFieldDefine(input: $i) { id code } }"
CREATE = """mutation($i: InspectionCreateInput!) { inspectionCreate(input: $i) { id
    customFields { customerRef } } }"""
LIST = "query($f: InspectionCustomFieldsFilter) { inspections(customFields: $f, first: 10) { nodes { id } } }"


def test_a_customer_reference_on_inspections(make_app, make_client):
    site = qc_site(make_app, make_client, plugins=["stock", "qc", "studio"], shop=False,
                   settings={"api": {"plugin_check_seconds": 0}})
    cm = make_client(site.app).as_token(api_user(site.app, "cm", ["config_manager"], {}))
    pid = site.boss.ok("mutation($i: ProductCreateInput!) { productCreate(input: $i) { id } }",
                       {"i": {"code": "P1", "name": "P1"}})["productCreate"]["id"]
    site.ids["P1"] = pid
    plan(site, "QP-P1", "RECEIPT", product="P1", items=[VISUAL], sampling={"method": "FIRST_N", "value": "1"})
    cm.ok(DEFINE, {"i": {"entity": "qc.inspection", "code": "customer_ref", "type": "text", "maxLength": 12,
                         "labelZh": "客户编号", "labelEn": "Customer ref", "owner": "qm_li",
                         "purpose": "OEM asks for its PPAP reference", "reviewDate": "2027-06-30"}})
    made = site.insp.ok(CREATE, {"i": {"stage": "RECEIPT", "productId": pid, "quantity": "3",
                                       "customFields": {"customerRef": "PPAP-7"}}})["inspectionCreate"]
    assert made["customFields"] == {"customerRef": "PPAP-7"}
    other = site.insp.ok(CREATE_INSP, {"i": {"stage": "RECEIPT", "productId": pid, "quantity": "1"}})["inspectionCreate"]
    found = site.insp.ok(LIST, {"f": {"customerRef": {"eq": "PPAP-7"}}})["inspections"]["nodes"]
    assert [n["id"] for n in found] == [made["id"]] and other["id"] != made["id"]
    err = site.insp.error(CREATE, {"i": {"stage": "RECEIPT", "productId": pid, "quantity": "1",
                                         "customFields": {"customerRef": "X" * 13}}})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("VALIDATION", "customFields.customerRef")
