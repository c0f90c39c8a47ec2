"""Read models of the employment area: projections of the event history into SQL tables and reports.

Importable as ``employment_domain.projections``; the domain never imports this package.
"""
