"""Where each service is produced: the dated rulebook loaded from ``rules/``, its conditions and
facts, the engines that evaluate it (durable_rules, or the reference evaluator), its lint, its
archive in the history, explanations of decisions and the scenario tests.

May import the shared values at the top level of the package; never an aggregate, the command
groups, the store or the facade.
"""
