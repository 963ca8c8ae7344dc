"""Output formats: N-Triples, N-Quads, Turtle, JSON-LD and its context, pages, dataset."""
