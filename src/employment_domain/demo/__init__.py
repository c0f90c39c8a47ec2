"""The demo year: a deterministic simulation of an area (Espoo–Kauniainen by default) through the
facade, everything area-specific read from the area's rules folder.

May import the facade and everything below it; never the command line.
"""
