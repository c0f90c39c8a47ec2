"""The ``Employer`` aggregate: vacancies, subsidies, change negotiations and dismissals.

An aggregate package: may import the shared values at the top level of the package, never the
command groups, the facade, the store or another aggregate.
"""
