"""The kernel's own GraphQL fields: sign-in, users, roles and grants, the audit log,
notifications and attachments.

One module per area, each with its ``CONTRIBUTION``; :mod:`tenon.graphql.kernel.plugin`
hands them (and the attachment download route) to the schema through the ordinary
hooks, as the kernel companion ``core:graphql``.
"""
