"""devices' GraphQL output types: :mod:`.devices`, :mod:`.print_jobs`."""
