"""shadowtrade: trade-and-sanctions intelligence for sanctioned economies.

The public shell: the few things users call from Python.

>>> from shadowtrade import Settings
>>> Settings(home="/tmp/st").warehouse_path.name
'warehouse.duckdb'
"""

from shadowtrade.config import Settings, load_settings
from shadowtrade.errors import ShadowtradeError, UsageError

__version__ = "0.1.0"

__all__ = ["Settings", "ShadowtradeError", "UsageError", "__version__", "load_settings"]
