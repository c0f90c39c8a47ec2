"""Tools for developers who test code built on the library; nothing here is needed at run time."""
