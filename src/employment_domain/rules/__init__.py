"""The packaged area's rules folder (Espoo–Kauniainen): ``area.yaml``, dated ``parameters/``,
the ``routing/`` rulebook, its scenario ``tests/`` and ``municipalities.yaml``. Data only: a
package so that the files ship in the wheel and load through ``importlib.resources``; another
area points ``--rules`` or ``EMPLOYMENT_AREA_RULES`` at a folder laid out the same way."""
