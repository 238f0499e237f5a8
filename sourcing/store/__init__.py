"""The living directory: many sources merged into one persistent, versioned directory.

    from sourcing.store import service
    service.add_source(content, "liste-siae.csv", label="Liste SIAE", data_date="2026-10-01")
    version = service.current_version()
    directory = service.read_version(version.number)

- `files`: the data folder, atomic versions, the build lock;
- `catalogue`: the sources table in the database;
- `merge`: the merge rule and the provenance of every field;
- `dates`: the date of a source's data and its age;
- `service`: the use cases (add, replace, remove, build, sync, read);
- `provenance`: a supplier's values with their sources, the conflicts table.
"""
