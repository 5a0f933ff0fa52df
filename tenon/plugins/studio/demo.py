"""Demo data of studio: the quality supervisor's roughness field on products and the rule that
tells her about rough parts (a clean, whole configuration: the health check finds no error in it).

``qa_li`` (config manager) owns both. Idempotent: the field and the rule are looked up by code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.demo import demo_user

from .models import FieldDefinition, Rule
from .services import fields, rules


def load(session: Session, progress: Callable[[str], None]) -> None:
    app = session.info["app"]
    if "stock.product" not in app.custom_entities:
        progress("nothing to load: no customizable products (stock is not installed)")
        return
    progress("custom field and flow rule")
    demo_user(session, "qa_li", roles=["config_manager"], display_name="Li (quality supervisor)")
    review = dt.date.today() + dt.timedelta(days=365)
    if session.scalar(select(FieldDefinition.id).where(FieldDefinition.code == "surface_roughness_ra")) is None:
        fields.define(session, entity="stock.product", code="surface_roughness_ra", kind="decimal", scale=2, unit="µm",
                      min_value="0", max_value="25", label_zh="表面粗糙度 Ra", label_en="Surface roughness Ra",
                      owner="qa_li", purpose="Customers demand Ra on machined parts", review_date=review)
    if session.scalar(select(Rule.id).where(Rule.code == "rough_parts")) is None:
        rules.save(session, code="rough_parts", name="Rough parts to QA", event="studio.value.changed",
                   entity="stock.product", record_key="record_id",
                   condition="field == 'surface_roughness_ra' and custom.surface_roughness_ra > 3.2",
                   actions=[{"type": "notify", "title": "Rough part {record_id}", "users": ["qa_li"]}],
                   owner="qa_li", purpose="QA reviews parts rougher than Ra 3.2", review_date=review)
