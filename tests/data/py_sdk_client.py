"""The official Python MCP SDK as a client of `mcpreg serve` over stdio.

Usage: py_sdk_client.py MODE MCPREG REGISTRY ID
  MODE     auto (the SDK's default: server/discover, 2026-07-28) or legacy
           (the initialize handshake, 2025-11-25)
  ID       an entry of the registry to ask get_server and get_client_config for

Prints one JSON object: the negotiated version, the tools as listed, and each
tool's answer, for the Rust test (tests/cli/serve.rs) to check.
"""

import json
import sys

import anyio
from mcp import Client, StdioServerParameters


def answer(result):
    return {
        "isError": bool(result.is_error),
        "structured": result.structured_content,
        "text": [c.text for c in result.content if getattr(c, "type", "") == "text"],
    }


async def main(mode, mcpreg, registry, entry_id):
    server = StdioServerParameters(command=mcpreg, args=["--registry", registry, "serve"])
    async with Client(server, mode=mode) as client:
        listed = await client.list_tools()
        calls = {
            "search_tools": await client.call_tool("search_tools", {"query": "read a text file"}),
            "find_servers": await client.call_tool("find_servers", {"filters": {"tag": "prod"}}),
            "get_server": await client.call_tool("get_server", {"id": entry_id}),
            "get_client_config": await client.call_tool(
                "get_client_config", {"ids": [entry_id], "client": "vscode"}
            ),
            "bad_filter": await client.call_tool("find_servers", {"filters": {"status": "bogus"}}),
        }
        print(
            json.dumps(
                {
                    "protocol_version": client.protocol_version,
                    "tools": [t.model_dump(by_alias=True, exclude_none=True) for t in listed.tools],
                    "calls": {name: answer(r) for name, r in calls.items()},
                }
            )
        )


if __name__ == "__main__":
    anyio.run(main, *sys.argv[1:5])
