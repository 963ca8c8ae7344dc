"""Triple stores: embedded pyoxigraph, SPARQL endpoints, Graph Store Protocol, tables."""
