"""`kb mcp` driven as a real MCP client would: the SDK's stdio client spawns
the command, initializes, lists the tools and calls them against the test
server; the answers are the CLI's `--format json`."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import anyio
import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from kb.mcp_server import TOOLS

KB = Path(sys.executable).with_name("kb")


def _text(result) -> str:
    assert len(result.content) == 1 and result.content[0].type == "text", result.content
    return result.content[0].text


async def _session_run(env: dict[str, str], steps):
    params = StdioServerParameters(command=str(KB), args=["mcp"], env={**env, "PATH": os.environ.get("PATH", "")})
    with open(os.devnull, "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
            init = await session.initialize()
            return init, await steps(session)


def drive(env: dict[str, str], steps):
    return anyio.run(_session_run, env, steps)


@pytest.mark.slow  # a server process and its driver: ~5 s
def test_kb_mcp_answers_as_the_cli_does(cli, cli_env, corpus_db):
    async def steps(session: ClientSession):
        tools = (await session.list_tools()).tools
        topic = await session.call_tool("topic_page", {"slug": "open_weight_release"})
        place = await session.call_tool("jurisdiction", {"code": "US-CA", "as_of": "2025-01-01"})
        wrong = await session.call_tool("instrument", {"id": "EU-AIA-2O24"})
        bad_date = await session.call_tool("primacy", {"slug": "open_weight_release", "as_of": "2024-13-01"})
        search = await session.call_tool("search", {"text": "open weight"})
        return tools, topic, place, wrong, bad_date, search

    init, (tools, topic, place, wrong, bad_date, search) = drive(cli_env, steps)
    assert init.server_info.name == "kb"

    by_name = {t.name: t for t in tools}
    assert sorted(by_name) == sorted(TOOLS)
    assert len(TOOLS) == 11
    for t in tools:
        schema = t.input_schema
        assert schema["type"] == "object" and schema["properties"], t.name
        assert t.description, t.name
        assert t.annotations.read_only_hint is True and t.annotations.destructive_hint is False, t.name
    topic_schema = by_name["topic_page"].input_schema
    assert topic_schema["required"] == ["slug"]
    assert {"slug", "limit", "as_of", "as_recorded"} <= set(topic_schema["properties"])
    assert "as_of" in by_name["matrix"].input_schema["properties"]
    assert set(by_name["cite"].input_schema["properties"]["format"]["enum"]) >= {"apa", "bibtex", "oscola"}

    # the topic page: the seed's figures, and the very JSON of `kb topic -f json`
    assert not topic.is_error
    page = json.loads(_text(topic))
    counts = page["counts"]
    assert (counts["tracked"], counts["explicit"], counts["implicit"], counts["silent"]) == (26, 3, 7, 16)
    assert page["primacy"]["instrument"]["id"] == "CN-GENAI-2023"
    assert page == json.loads(cli("topic", "open_weight_release", "-f", "json").stdout)

    assert not place.is_error
    assert json.loads(_text(place)) == json.loads(
        cli("jurisdiction", "US-CA", "--as-of", "2025-01-01", "-f", "json").stdout
    )
    assert json.loads(_text(place))["jurisdiction"]["code"] == "US-CA"

    # a wrong key: a tool error with kb's message, no traceback
    assert wrong.is_error
    message = _text(wrong)
    assert "no instrument 'EU-AIA-2O24'; did you mean 'EU-AIA-2024'" in message, message
    assert "Traceback" not in message
    assert bad_date.is_error and "2024-13-01" in _text(bad_date) and "Traceback" not in _text(bad_date)

    found = json.loads(_text(search))
    assert found[0] == {
        "kind": "topic",
        "key": "open_weight_release",
        "name": "Open-Weight Frontier Release",
        "adopted": None,
    }
    assert found == json.loads(cli("search", "open weight", "-f", "json").stdout)


def test_search_finds_keys_by_name(cli, corpus_db):
    rows = json.loads(cli("search", "CALIFORNIA", "-f", "json").stdout)
    assert rows and all("california" in (r["name"] + r["key"]).lower() for r in rows)
    assert {r["kind"] for r in rows} >= {"jurisdiction", "instrument"}
    assert json.loads(cli("search", "us-ca", "--kind", "jurisdiction", "-f", "json").stdout)[0]["key"] == "US-CA"
    only = json.loads(cli("search", "a", "--limit", "3", "-f", "json").stdout)
    assert len(only) == 3
    result = cli("search", "   ")
    assert result.exit_code == 1 and "search for some text" in result.output
    assert json.loads(cli("search", "zzzz-nothing", "-f", "json").stdout) == []
