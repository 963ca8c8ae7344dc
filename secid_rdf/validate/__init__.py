"""SHACL validation of the graph, located in registry files, and reports for CI."""
