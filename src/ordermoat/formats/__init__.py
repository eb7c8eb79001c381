"""Reading and validating the contract's input files into normalized Arrow batches.

>>> from ordermoat.formats import detect_format
>>> detect_format("access.jsonl.gz").name
'jsonl'
"""

from ordermoat.formats.detection import FORMATS, FileFormat, detect_format
from ordermoat.formats.reader import Batch, read_batches
from ordermoat.formats.schemas import KEY_COLUMN, REQUIRED, SCHEMAS, schema_for

__all__ = [
    "FORMATS",
    "KEY_COLUMN",
    "REQUIRED",
    "SCHEMAS",
    "Batch",
    "FileFormat",
    "detect_format",
    "read_batches",
    "schema_for",
]
