"""SecIDs resolved to URLs: a query reads the namespaces' entries, and Python matches.

``resolve.rq`` reads the entries of the namespaces asked for from the graph (embedded
store or endpoint); the matching of a SecID against them is Python's.
"""
