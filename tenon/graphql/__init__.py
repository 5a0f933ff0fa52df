"""The GraphQL API: schema composition and the Litestar app."""
