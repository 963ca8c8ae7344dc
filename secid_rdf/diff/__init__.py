"""Registry changes by what they do: graph facts, resolutions and examples, per namespace."""
