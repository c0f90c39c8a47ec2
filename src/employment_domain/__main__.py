"""``python -m employment_domain`` runs the ``employment-area`` command."""

import sys

from employment_domain.cli.main import main

sys.exit(main())
