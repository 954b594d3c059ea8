"""Prints the requirements of the project and the named extras, one a line, from pyproject.toml.

The image installs them before it sees any of our source, so that layer is rebuilt only when
the dependency list changes: ``python3 requirements.py pyproject.toml service voice``.
"""

import sys
import tomllib


def main(pyproject: str, *extras: str) -> None:
    with open(pyproject, "rb") as handle:
        project = tomllib.load(handle)["project"]
    optional = project["optional-dependencies"]
    unknown = sorted(set(extras) - set(optional))
    if unknown:
        sys.exit(f"requirements.py: no such extra: {', '.join(unknown)}")
    for requirement in [*project["dependencies"], *(r for e in extras for r in optional[e])]:
        print(requirement)


if __name__ == "__main__":
    main(*sys.argv[1:])
