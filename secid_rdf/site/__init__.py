"""The static site: a page a person reads and data files a machine reads, at every IRI's path."""
