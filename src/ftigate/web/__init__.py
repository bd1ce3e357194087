"""The HTTP service (FastAPI): the same use cases as the command line, over HTTP."""
