"""Import of an OpenSID resident spreadsheet: `residents` checks and applies a file (reading
it, `context` and `batch` for the write path over `writer` and `ids`), `jobs` runs a web
upload in its own process, `selectors` reads the jobs, `report` writes the error CSV.

The public names are re-exported here, so `imports.import_job_create` reads as before.
"""

from balai.people.imports.ids import public_ids
from balai.people.imports.jobs import (
    import_job_create,
    import_job_run,
    import_jobs_reap,
    import_upload_dir,
)
from balai.people.imports.report import write_errors_csv
from balai.people.imports.residents import ImportResult, file_sha256, import_residents
from balai.people.imports.selectors import import_job_errors_path, import_job_get, import_job_list

__all__ = [
    "ImportResult",
    "file_sha256",
    "import_job_create",
    "import_job_errors_path",
    "import_job_get",
    "import_job_list",
    "import_job_run",
    "import_jobs_reap",
    "import_residents",
    "import_upload_dir",
    "public_ids",
    "write_errors_csv",
]
