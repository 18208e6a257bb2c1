"""The official Python MCP SDK as a client of `mcpreg serve`, over stdio or
Streamable HTTP.

Usage: py_sdk_client.py MODE SERVER REGISTRY ID [watch]
  MODE     auto (the SDK's default: server/discover, 2026-07-28) or legacy
           (the initialize handshake, 2025-11-25)
  SERVER   the mcpreg binary, started as `mcpreg --registry REGISTRY serve` over
           stdio; or the http:// URL of a running `mcpreg serve --http` (with
           the bearer token in MCPREG_TEST_TOKEN if it wants one)
  ID       an entry of the registry to ask get_server and get_client_config for

Prints one JSON object: the negotiated version, the tools as listed, and each
tool's answer, for the Rust test (tests/cli/serve.rs) to check.

With `watch`: lists and reads the resources, subscribes to mcpreg://servers
(resources/subscribe in the 2025 era, subscriptions/listen in 2026-07-28), prints
one JSON line with what it read, and then, once the registry changes, one more
with the notifications received.
"""

import json
import os
import sys

import anyio
from mcp import Client, StdioServerParameters


def mcpreg_env():
    """The SDK starts a server with a small default environment; the registry's
    own settings (MCPREG_*, e.g. the secure etcd's certificates and password)
    must reach `mcpreg serve` too."""
    from mcp.client.stdio import get_default_environment

    env = get_default_environment()
    env.update({k: v for k, v in os.environ.items() if k.startswith("MCPREG_")})
    return env


def server_of(target, registry):
    """A URL is reached over Streamable HTTP, with `Authorization: Bearer
    $MCPREG_TEST_TOKEN` when that is set; anything else is the binary to start."""
    if target.startswith("http://"):
        token = os.environ.get("MCPREG_TEST_TOKEN")
        if not token:
            return target
        from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

        http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
        return streamable_http_client(target, http_client=http)
    return StdioServerParameters(command=target, args=["--registry", registry, "serve"], env=mcpreg_env())


def answer(result):
    return {
        "isError": bool(result.is_error),
        "structured": result.structured_content,
        "text": [c.text for c in result.content if getattr(c, "type", "") == "text"],
    }


async def main(mode, target, registry, entry_id):
    async with Client(server_of(target, registry), mode=mode) as client:
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


def method_of(message):
    for m in (message, getattr(message, "root", None)):
        method = getattr(m, "method", None)
        if method:
            return method
    return None


async def watch(mode, target, registry, entry_id):
    server = server_of(target, registry)
    send, received = anyio.create_memory_object_stream(100)

    async def on_message(message):
        method = method_of(message)
        if method and method.startswith("notifications/resources/"):
            uri = getattr(getattr(message, "params", None), "uri", None)
            if uri is None:
                uri = getattr(getattr(getattr(message, "root", None), "params", None), "uri", None)
            await send.send({"method": method, "uri": uri})

    async with Client(server, mode=mode, message_handler=on_message) as client:
        listed = await client.list_resources()
        templates = await client.list_resource_templates()
        everything = await client.read_resource("mcpreg://servers")
        one = await client.read_resource(f"mcpreg://servers/{entry_id}")
        read = {
            "protocol_version": client.protocol_version,
            "resources": [r.uri for r in listed.resources],
            "templates": [t.uri_template for t in templates.resource_templates],
            "servers": json.loads(everything.contents[0].text),
            "server": json.loads(one.contents[0].text),
        }
        got = []
        if mode == "legacy":
            await client.subscribe_resource("mcpreg://servers")
            print(json.dumps(read), flush=True)
            with anyio.fail_after(60):
                while not any(g["method"] == "notifications/resources/updated" for g in got):
                    got.append(await received.receive())
        else:
            async with client.listen(
                resources_list_changed=True, resource_subscriptions=["mcpreg://servers"]
            ) as subscription:
                print(json.dumps(read), flush=True)
                with anyio.fail_after(60):
                    async for event in subscription:
                        kind = type(event).__name__
                        got.append({"method": kind, "uri": getattr(event, "uri", None)})
                        if kind == "ResourceUpdated":
                            break
        print(json.dumps({"notifications": got}), flush=True)


if __name__ == "__main__":
    if sys.argv[5:6] == ["watch"]:
        anyio.run(watch, *sys.argv[1:5])
    else:
        anyio.run(main, *sys.argv[1:5])
