"""Reading a registry folder: layouts, Markdown and JSON files, twins, located values, stats."""
