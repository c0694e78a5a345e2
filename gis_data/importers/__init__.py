"""Bureau imports: validated, all-or-nothing, recorded as batches that can be rolled back.

Read a file (:mod:`.readers`), validate every row against its layer's schema (:mod:`.schemas`,
:mod:`.validate`) and, only if every row is valid, write them in one transaction as one batch
(:mod:`.batches`). Any invalid row means nothing is written and the report lists each bad row,
field and value.
"""

from gis_data.importers.batches import ImportResult, import_file, list_batches, rollback_batch
from gis_data.importers.validate import ImportError_, RowError

__all__ = ["ImportError_", "ImportResult", "RowError", "import_file", "list_batches", "rollback_batch"]
