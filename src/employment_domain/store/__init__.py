"""Where the history lives: opening a SQLite file or a PostgreSQL database, the transcodings of
the library's values, and the eventsourcing application that loads and saves aggregates.

eventsourcing's ``Application`` lives here and nowhere above: the facade holds one as a part.
May import the shared values at the top level of the package; never an aggregate package, the
command groups or the facade.
"""
