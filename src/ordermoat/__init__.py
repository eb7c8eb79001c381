"""ordermoat: an open-source data moat for e-commerce order data.

The library's entry point is :class:`Moat`, which opens a workspace::

    from ordermoat import Moat
    with Moat.open(".ordermoat") as moat:
        moat.ingest("access", "access.csv")
        result = moat.trace()
"""

from ordermoat._exceptions import BadInputError, ConfigError, OrdermoatError, UserError, WorkspaceError
from ordermoat.domain import Case, IngestResult, Suspect, TraceResult
from ordermoat.moat import Moat

__version__ = "0.1.0"

__all__ = [
    "Moat",
    "Case",
    "IngestResult",
    "Suspect",
    "TraceResult",
    "OrdermoatError",
    "UserError",
    "BadInputError",
    "WorkspaceError",
    "ConfigError",
    "__version__",
]
