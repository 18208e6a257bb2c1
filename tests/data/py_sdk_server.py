"""A server built with the official Python MCP SDK (`mcp` in .peers/py), for the
peer tests: `python py_sdk_server.py stdio|streamable-http|sse [PORT]`.

It is the SDK's own `MCPServer`, with two tools, a resource and a prompt, so the
tests see exactly what a real 2.x server sends in both protocol eras.
"""

import sys

from mcp.server.mcpserver import MCPServer

server = MCPServer("py-sdk-peer", version="2.3.0-peer", instructions="A peer for mcpreg's tests.")


@server.tool()
def read_text_file(path: str) -> str:
    """Read a text file and return its contents."""
    return path


@server.tool()
def current_time(timezone: str = "UTC") -> str:
    """Tell the current time in a timezone."""
    return timezone


@server.resource("peer://readme")
def readme() -> str:
    """The peer's readme."""
    return "hello"


@server.prompt()
def summarize(text: str) -> str:
    """Summarize a text."""
    return text


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "stdio"
    if mode == "stdio":
        server.run()
    else:
        server.run(transport=mode, host="127.0.0.1", port=int(sys.argv[2]))
