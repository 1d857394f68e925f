"""Adapters for the tools people already use: a LangChain retriever and chains, an MCP server.

Thin layers over the same core the CLI calls; each module imports its third-party library lazily, so
`factcheck --help` loads neither.
"""
