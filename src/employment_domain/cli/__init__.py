"""The ``employment-area`` command line: it parses arguments, calls the library and prints.

The top layer: may import anything in the package; nothing imports it but ``__main__``.
Reports are read through :mod:`employment_domain.reports`, never assembled here.
"""

from employment_domain.cli.main import main

__all__ = ["main"]
