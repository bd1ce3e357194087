"""Importing this package registers every command on the ``ftigate`` app, one module per group.

Each module in this package adds its own commands to :data:`ftigate.cli.main.app` when imported;
adding a command group is adding a module here.
"""

import importlib
import pkgutil

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")
