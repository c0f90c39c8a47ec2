"""What an auditor uses: seals and anchors over the history, a store opened read-only, the replay
of every report into a scratch database, and the scan of recorded routing decisions.

May import the facade (``employment_domain.area``), the projections and everything below them;
never the command line or the demo.
"""
