"""Prompt2Mesh: turn words into editable 3D models with a real headless Blender driven over MCP."""

__version__ = "0.2.0"

__all__ = ["__version__"]
