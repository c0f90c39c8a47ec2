"""Personal data of jobseekers kept out of the history: the encrypted ``PersonalRecord``, the
master key and the per-client data keys whose destruction erases the data.

An aggregate package: may import the shared values at the top level of the package and the
store's key tables, never the command groups or the facade.
"""
