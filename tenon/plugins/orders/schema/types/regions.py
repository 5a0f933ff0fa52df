"""GraphQL output types of the orders plugin: regions: the sales territory tree."""

from __future__ import annotations

import strawberry

from ...models import Region
from .._common import _gid


@strawberry.type(name="Region", description="A sales territory; regions form a tree (East China → Zhejiang).")
class RegionType:
    id: strawberry.ID = strawberry.field(description="Region id.")
    code: str = strawberry.field(description="Short code used in user attributes (`regions`), e.g. `east`.")
    name: str = strawberry.field(description="Display name.")
    parent_code: str | None = strawberry.field(description="Code of the parent region; null for a top region.")
    path: list[str] = strawberry.field(description="Codes from the top region down to this one.")
    active: bool = strawberry.field(description="Inactive regions take no new customers.")

    @classmethod
    def from_model(cls, m: Region) -> RegionType:
        path = [p for p in m.path.split("/") if p]
        return cls(id=_gid(m.id), code=m.code, name=m.name, parent_code=path[-2] if len(path) > 1 else None,
                   path=path, active=m.active)
