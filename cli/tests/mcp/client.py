"""A real MCP client (the official Python `mcp` package) driving `postpress mcp` over stdio.

Reads a plan as JSON on stdin: {"command", "args", "env", "cwd", "stderr", "calls": [[tool, args], ...]}.
Writes one JSON object to stdout: the server's info, its tools and the result of every call, as the
client library received them (the library checks the protocol, and each successful result's
structured content against the tool's output schema).
"""

import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def main() -> None:
    plan = json.load(sys.stdin)
    params = StdioServerParameters(
        command=plan["command"], args=plan["args"], env=plan["env"], cwd=plan.get("cwd")
    )
    out = {"calls": []}
    with open(plan["stderr"], "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                out["server"] = init.server_info.model_dump(mode="json", by_alias=True)
                out["instructions"] = init.instructions
                tools = await session.list_tools()
                out["tools"] = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools.tools]
                for name, arguments in plan["calls"]:
                    result = await session.call_tool(name, arguments)
                    out["calls"].append(result.model_dump(mode="json", by_alias=True, exclude_none=True))
    json.dump(out, sys.stdout)


asyncio.run(main())
