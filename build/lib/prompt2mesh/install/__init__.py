"""Installing into MCP clients (`prompt2mesh setup`) and checking an install (`prompt2mesh doctor`)."""
