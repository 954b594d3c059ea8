"""Fakes for the edges tests cannot run for real (only the chat model, and the Kubernetes API)."""
