"""The registry model turned into RDF quads, with regex translation for SPARQL and SHACL."""
