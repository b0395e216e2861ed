"""A node's public HTTP API (drand's paths and JSON, served from chain stores) and its metrics listener."""

from .metrics import MetricsAPI, serve_metrics
from .server import PublicAPI, ServedChain, Server, serve, serve_node

__all__ = ["MetricsAPI", "PublicAPI", "ServedChain", "Server", "serve", "serve_metrics", "serve_node"]
