"""The read path of a report: open the store for reading, catch up or build the read model,
select the rows and hand them to a renderer.

The command line, the annual report, the audit and integrating systems all read reports through
here. May import the facade, the projections and the audit's read-only opening; never the
command line or the demo.
"""
