"""Writing an export folder: parts converted in worker processes, dumps and page files."""
