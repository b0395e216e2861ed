"""The public HTTP API of a node: drand's paths and JSON, served from a chain store."""

from .server import PublicAPI, ServedChain, Server, serve, serve_node

__all__ = ["PublicAPI", "ServedChain", "Server", "serve", "serve_node"]
