"""Bulk import of police missing reports and school absence lists from CSV (issue 6).

`services.import_start` checks the file (CSV, size, UTF-8, the header) and queues
`tasks.import_batch_run`, which reads the rows in chunks (`pipeline.py`), matches each child
to a person (`matching.py`), checks each row as `episode_report` would and writes the valid
ones in bulk. See docs/decisions/0018-bulk-imports.md and docs/imports-missing.md."""
