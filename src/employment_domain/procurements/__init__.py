"""Purchased-service contracts: the ``Procurement`` aggregate (seats, value cap, invoices) and
the ``ContractIndex`` of contracts open for each service type.

An aggregate package: may import the shared values at the top level of the package, never the
command groups, the facade, the store or another aggregate.
"""
