"""The demo year: a deterministic simulation of the Espoo–Kauniainen area through the facade.

May import the facade and everything below it; never the command line.
"""
