"""Alembic environment for Tenon sites: run by the kernel, never by the ``alembic`` CLI.

The connection, the target metadata and the table filter come through
``config.attributes`` (see :mod:`tenon.core.migrate`).
"""

from alembic import context

config = context.config
connection = config.attributes["connection"]
include_tables = config.attributes.get("include_tables")


def include_object(obj, name, type_, reflected, compare_to):
    if include_tables is None:
        return True
    table = obj.name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in include_tables


context.configure(
    connection=connection,
    target_metadata=config.attributes["metadata"],
    render_as_batch=connection.dialect.name == "sqlite",
    include_object=include_object,
    compare_type=True,
    user_module_prefix="tenon.core.db.",
)
with context.begin_transaction():
    context.run_migrations()
