"""The municipal cost ledger of a year and the cost split between the municipalities.

An aggregate package: may import the shared values at the top level of the package, never the
command groups, the facade, the store or another aggregate.
"""
