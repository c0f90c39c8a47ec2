"""Tools for developers who test code built on the library; nothing here is needed at run time.

Importing this package (or any module in it) registers the strategies of the library's value
types with Hypothesis (:func:`~employment_domain.testing.strategies.register_type_strategies`),
so ``st.from_type(Money)`` works in a test that imported the kit. It needs Hypothesis (the
``testing`` extra); the library never imports this package, which import-linter checks.
"""

from employment_domain.testing.strategies import register_type_strategies

__all__ = ["register_type_strategies"]

register_type_strategies()
