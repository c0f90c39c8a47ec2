"""Commands and queries of the employment area, one group per aggregate.

EmploymentArea combines the groups into one application.
"""
