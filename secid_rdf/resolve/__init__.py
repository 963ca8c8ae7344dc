"""SecIDs resolved to URLs by querying the graph with the shipped SPARQL library."""
