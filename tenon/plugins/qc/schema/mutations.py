"""Root mutation fields of qc (one transaction each; the kernel audits every one)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from tenon.graphql.permissions import allowed

from ..services import inspections, nonconformances, plans
from .inputs import (
    InspectionCreateInput,
    InspectionPlanCreateInput,
    InspectionPlanReviseInput,
    InspectionValueInput,
    NonconformanceDisposeInput,
)
from .types.inspections import InspectionType, NonconformanceType
from .types.plans import InspectionPlanType

IdArg = Annotated[strawberry.ID, strawberry.argument(description="Record id.")]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create an inspection plan for a product or a category at a stage (version 1).",
                         extensions=allowed("qc.plan", "manage"))
    async def inspection_plan_create(self, info: Info, input: Annotated[InspectionPlanCreateInput, strawberry.argument(
            description="The plan.")]) -> InspectionPlanType:
        i = input
        plan = await info.context.run(lambda s: plans.create_plan(
            s, code=i.code, name=i.name, stage=i.stage.value, product_id=i.product_id, category_id=i.category_id,
            operation_id=i.operation_id, sampling_method=i.sampling.method.value if i.sampling else "all",
            sampling_value=i.sampling.value if i.sampling else None, blocks_next=i.blocks_next,
            inspector_username=i.inspector_username, items=[it.to_dict() for it in i.items]))
        return InspectionPlanType.from_model(plan)

    @strawberry.mutation(description="Add, change or remove check items or change the sampling of a plan, at runtime: "
                         "makes the plan's next version; inspections made before keep their version and results.",
                         extensions=allowed("qc.plan", "manage"))
    async def inspection_plan_revise(self, info: Info, input: Annotated[InspectionPlanReviseInput, strawberry.argument(
            description="The change.")]) -> InspectionPlanType:
        i = input
        plan = await info.context.run(lambda s: plans.revise_plan(
            s, i.plan_id, add=[x.to_dict() for x in i.add], change=[x.to_dict() for x in i.change], remove=list(i.remove),
            sampling_method=i.sampling.method.value if i.sampling else None,
            sampling_value=i.sampling.value if i.sampling else None, note=i.note))
        return InspectionPlanType.from_model(plan)

    @strawberry.mutation(description="Activate or deactivate a plan (an inactive plan opens no new inspections).",
                         extensions=allowed("qc.plan", "manage"))
    async def inspection_plan_set_active(self, info: Info, id: IdArg, active: Annotated[bool, strawberry.argument(
            description="Whether new inspections use it.")]) -> InspectionPlanType:
        return InspectionPlanType.from_model(await info.context.run(lambda s: plans.set_plan_active(s, id, active)))

    @strawberry.mutation(description="Open an inspection by hand (the stage hooks open them automatically).",
                         extensions=allowed("qc.inspection", "create"))
    async def inspection_create(self, info: Info, input: Annotated[InspectionCreateInput, strawberry.argument(
            description="What to inspect.")]) -> InspectionType:
        i = input
        insp = await info.context.run(lambda s: inspections.create_inspection(
            s, stage=i.stage.value, product_id=i.product_id, quantity=i.quantity, lot_id=i.lot_id, plan_id=i.plan_id,
            origin_type="manual"))
        return InspectionType.from_model(insp)

    @strawberry.mutation(description="Record values of an open inspection (partial recording allowed); when every "
                         "required item has a value for every sample the result is final: passed (goods released) "
                         "or failed (a nonconformance opens).", extensions=allowed("qc.inspection", "record"))
    async def inspection_record(
        self, info: Info, id: IdArg,
        values: Annotated[list[InspectionValueInput], strawberry.argument(description="Values (at most 2000).")],
    ) -> InspectionType:
        vals = [{"item": v.item, "sample_no": v.sample_no, "value": v.value} for v in values]
        return InspectionType.from_model(await info.context.run(lambda s: inspections.record_results(s, id, vals)))

    @strawberry.mutation(description="Give a nonconformance its disposition: scrap (goods to the scrap location), "
                         "rework (DISPOSITION_UNAVAILABLE unless a rework plugin is installed) or use as is "
                         "(a quality manager, with a reason).", extensions=allowed("qc.nonconformance", "dispose"))
    async def nonconformance_dispose(self, info: Info, input: Annotated[NonconformanceDisposeInput, strawberry.argument(
            description="The disposition.")]) -> NonconformanceType:
        i = input
        return NonconformanceType.from_model(await info.context.run(
            lambda s: nonconformances.dispose(s, i.id, i.disposition.value, i.reason)))

    @strawberry.mutation(description="Close a dispositioned nonconformance (a rework that was carried out).",
                         extensions=allowed("qc.nonconformance", "close"))
    async def nonconformance_close(self, info: Info, id: IdArg) -> NonconformanceType:
        return NonconformanceType.from_model(await info.context.run(lambda s: nonconformances.close(s, id)))
