"""The evaluation workbook: score, rank and audit supplier proposals against award criteria."""

import sys

__version__ = "0.1.0"

# jsonschema (imported by nbformat, papermill and nbconvert) loads ``rfc3987_syntax`` when it
# is installed, only to check "iri" formats; that package compiles a Lark grammar on import,
# about 1.5 s per process. Notebook validation never checks IRIs, so the launcher and the
# audit skip it: jsonschema then treats those formats as unchecked.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
