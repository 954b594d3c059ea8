"""Electronics: television, laptop, computer (monitor and keyboard), radio, phone."""

from __future__ import annotations

from prompt2mesh.roles.offline.recipes._parts import Builder, make_recipe

CAT = "electronics"
SCREEN = "#101820"


def _tv(b: Builder) -> None:
    case = b.mat("Case", "#1c1c1c", primary=True, roughness=0.4)
    screen = b.mat("Screen", SCREEN, roughness=0.05, emission_color="#1e3a5f", emission_strength=0.6)
    b.box("Stand_Base", (0.4, 0.22, 0.02), (0, 0, 0.01), mat=case)
    b.box("Stand_Neck", (0.08, 0.05, 0.1), (0, 0.02, 0.07), mat=case)
    b.box("Panel", (1.22, 0.06, 0.72), (0, 0, 0.46), mat=case, bevel=0.01)
    b.box("Screen", (1.16, 0.01, 0.66), (0, -0.031, 0.46), mat=screen, bevel=0.002)


def _laptop(b: Builder) -> None:
    shell = b.mat("Shell", "#b0b4b8", primary=True, metallic=0.8, roughness=0.3)
    screen = b.mat("Screen", SCREEN, roughness=0.05, emission_color="#1e3a5f", emission_strength=0.6)
    keys = b.mat("Keys", "#2b2b2b", roughness=0.6)
    b.box("Base", (0.34, 0.24, 0.018), (0, 0, 0.009), mat=shell, bevel=0.004)
    b.box("Keyboard", (0.3, 0.11, 0.002), (0, -0.02, 0.019), mat=keys, finish="none")
    b.box("Lid", (0.34, 0.012, 0.23), (0, 0.135, 0.125), mat=shell, rot=(-12, 0, 0), bevel=0.004)
    b.box("Screen", (0.31, 0.002, 0.2), (0, 0.128, 0.127), mat=screen, rot=(-12, 0, 0), finish="none")


def _computer(b: Builder) -> None:
    case = b.mat("Case", "#2b2b2b", primary=True, roughness=0.4)
    screen = b.mat("Screen", SCREEN, roughness=0.05, emission_color="#1e3a5f", emission_strength=0.6)
    b.box("Stand_Base", (0.22, 0.18, 0.015), (0, 0.05, 0.0075), mat=case)
    b.box("Stand_Neck", (0.05, 0.03, 0.16), (0, 0.08, 0.095), mat=case)
    b.box("Monitor", (0.56, 0.04, 0.34), (0, 0.05, 0.33), mat=case, bevel=0.008)
    b.box("Screen", (0.52, 0.005, 0.3), (0, 0.028, 0.33), mat=screen, finish="none")
    b.box("Keyboard", (0.44, 0.14, 0.02), (0, -0.16, 0.01), mat=case, bevel=0.004)
    b.box("Mouse", (0.06, 0.1, 0.03), (0.32, -0.16, 0.015), mat=case, bevel=0.01, level=1)


def _radio(b: Builder) -> None:
    case = b.mat("Case", "#8d6e63", primary=True, roughness=0.5)
    grille = b.mat("Grille", "#d7ccc8", roughness=0.8)
    dark = b.mat("Dial", "#3e2723", roughness=0.5)
    b.box("Case", (0.3, 0.12, 0.18), (0, 0, 0.09), mat=case, bevel=0.015)
    b.cyl("Speaker", 0.055, 0.01, (-0.06, -0.061, 0.09), mat=grille, rot=(90, 0, 0), segments=24)
    b.cyl("Dial", 0.02, 0.02, (0.08, -0.065, 0.11), mat=dark, rot=(90, 0, 0), segments=16)
    b.tube("Antenna", (0.12, 0.03, 0.18), (0.16, 0.03, 0.4), 0.003, mat=dark, segments=6)


def _phone(b: Builder) -> None:
    case = b.mat("Case", "#263238", primary=True, metallic=0.5, roughness=0.3)
    screen = b.mat("Screen", SCREEN, roughness=0.05, emission_color="#1e3a5f", emission_strength=0.6)
    b.box("Body", (0.075, 0.155, 0.008), (0, 0, 0.004), mat=case, bevel=0.003)
    b.box("Screen", (0.068, 0.145, 0.001), (0, 0, 0.0085), mat=screen, finish="none")


make_recipe("tv", _tv, synonyms=("television", "tv_set", "telly", "flat_screen"), category=CAT,
            size=(1.22, 0.22, 0.82), default_color="#1c1c1c")  # fmt: skip
make_recipe("laptop", _laptop, synonyms=("notebook_computer", "macbook"), category=CAT, size=(0.34, 0.29, 0.24),
            default_color="#b0b4b8")  # fmt: skip
make_recipe("computer", _computer, synonyms=("monitor", "pc", "desktop_computer"), category=CAT,
            size=(0.56, 0.37, 0.5), default_color="#2b2b2b")  # fmt: skip
make_recipe("radio", _radio, synonyms=("transistor_radio", "boombox"), category=CAT, size=(0.3, 0.13, 0.4),
            default_color="#8d6e63")  # fmt: skip
make_recipe("phone", _phone, synonyms=("smartphone", "mobile_phone", "cellphone", "telephone"), category=CAT,
            size=(0.075, 0.155, 0.009), default_color="#263238")  # fmt: skip
