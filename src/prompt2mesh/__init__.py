"""Prompt2Mesh: turn words into editable 3D models with a real headless Blender driven over MCP."""

__version__ = "0.1.0"

__all__ = ["__version__"]
