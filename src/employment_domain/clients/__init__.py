"""The jobseeker (``Client``) aggregate, the records it keeps and the errors it raises.

An aggregate package: may import the shared values at the top level of the package
(money, values, calendar, parameters, target groups, decisions, errors, topics), never the
command groups, the facade, the store or another aggregate.
"""
