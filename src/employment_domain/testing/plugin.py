"""The Hypothesis plugin hook: registers the library's value types when Hypothesis is imported.

Hypothesis runs the functions of its ``hypothesis`` entry point at the end of its own import.
When the kit itself is what imports Hypothesis (``import employment_domain.testing`` first), the
strategies module is still half-built at that moment; the hook then leaves the registration to
the kit, which registers the types as soon as it is complete.
"""

from __future__ import annotations

__all__ = ["register"]


def register() -> None:
    """Register the value types' strategies, unless the kit is in the middle of importing."""
    try:
        from employment_domain.testing.strategies import register_type_strategies
    except ImportError:  # the kit is importing Hypothesis; it registers the types itself
        return
    register_type_strategies()
