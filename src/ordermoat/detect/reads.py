"""The read detectors: judging reads of order data (the ``access`` lake kind).

Each lives in a small module by theme and is re-exported here; the registry names map to
``ordermoat.detect.reads:<Class>`` (see :data:`READ_DETECTORS`).

>>> sorted(READ_DETECTORS)
['bulk_access', 'enumeration', 'fields_beyond_role', 'new_source_bulk', 'off_hours']
"""

from __future__ import annotations

from ordermoat.detect.reads_pattern import Enumeration, FieldsBeyondRole
from ordermoat.detect.reads_source import NewSourceBulk
from ordermoat.detect.reads_volume import BulkAccess, OffHours

__all__ = ["READ_DETECTORS", "BulkAccess", "Enumeration", "FieldsBeyondRole", "NewSourceBulk", "OffHours"]

#: registry name → "module:class", ready for ``DEFAULT_DETECTORS``
READ_DETECTORS: dict[str, str] = {
    cls.name: f"{__name__}:{cls.__name__}" for cls in (BulkAccess, OffHours, Enumeration, FieldsBeyondRole, NewSourceBulk)
}
