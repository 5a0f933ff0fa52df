"""The kernel's own GraphQL fields: sign-in, users, roles and grants, the audit log,
notifications and attachments."""

from __future__ import annotations

from tenon.core.contributions import SchemaContribution


def contributions() -> list[SchemaContribution]:
    from tenon.graphql.kernel import admin, audit, auth

    parts = [auth.CONTRIBUTION, admin.CONTRIBUTION, audit.CONTRIBUTION]
    try:
        from tenon.graphql.kernel import notifications
    except ImportError:  # pragma: no cover - optional while being built
        pass
    else:
        parts.append(notifications.CONTRIBUTION)
    try:
        from tenon.graphql.kernel import attachments
    except ImportError:  # pragma: no cover
        pass
    else:
        parts.append(attachments.CONTRIBUTION)
    return parts
