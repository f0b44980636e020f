// Persistence: coordinator state behind a store protocol, SQLite by default.
