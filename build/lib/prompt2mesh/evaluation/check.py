"""The suite checker, vendored from the project's shared evaluation (``shared/eval/check.py``).

Expectations are judged on the exported ``scene.glb`` alone (node names, world-space boxes,
glTF base colours), exactly as the independent checker does; keep the logic in step with it.
Format of a suite: ``docs``/shared ``eval/FORMAT.md``.

Usage as a module: ``check_scene(path, expects) -> list[(ok, text)]``.
"""

# ruff: noqa: N806, N803
# mypy: ignore-errors
from __future__ import annotations

import colorsys
import json
import re
import sys

import numpy as np
import trimesh


def _norm(name: str) -> str:
    return re.sub(r"[_\-.0-9]+", " ", name.lower())


def _terms(t: str):
    return [x.strip().lower() for x in t.split("|") if x.strip()]


class Scene:
    def __init__(self, path):
        self.sc = trimesh.load(path, force="scene")
        g = self.sc.graph
        self.parent = {}
        for e in g.to_edgelist():
            self.parent[e[1]] = e[0]
        self.mesh_nodes = list(g.nodes_geometry)
        self.names = {n: _norm(n) for n in g.nodes}
        self.world = {}
        for n in self.mesh_nodes:
            T, geom = g[n]
            m = self.sc.geometry[geom].copy()
            m.apply_transform(T)
            m.apply_transform(_Y_UP_TO_Z_UP)
            self.world[n] = m

    def ancestors(self, n):
        out = []
        while n in self.parent:
            n = self.parent[n]
            out.append(n)
        return out

    def matches(self, term):
        ts = _terms(term)
        hit = {n for n, nm in self.names.items() if any(t in nm for t in ts)}
        return hit

    def group(self, term):
        """Mesh nodes matched directly or via a matching ancestor."""
        hit = self.matches(term)
        return [n for n in self.mesh_nodes if n in hit or any(a in hit for a in self.ancestors(n))]

    def top_matches(self, term):
        hit = self.matches(term)
        return [n for n in hit if not any(a in hit for a in self.ancestors(n))]

    def bounds(self, nodes):
        b = np.array([self.world[n].bounds for n in nodes])
        return np.array([b[:, 0].min(axis=0), b[:, 1].max(axis=0)])


# glTF is Y-up; Blender and the suite's relations are Z-up: (x, y, z)_gltf -> (x, -z, y)
_Y_UP_TO_Z_UP = np.array([[1, 0, 0, 0], [0, 0, -1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], float)


def _srgb(c):
    c = np.clip(np.asarray(c[:3], float), 0, 1)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * np.power(c, 1 / 2.4) - 0.055)


def color_class(lin_rgb, metallic=0.0):
    r, g, b = _srgb(lin_rgb)
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    h *= 360
    out = set()
    if v < 0.15:
        out.add("black")
    if s < 0.18:
        if v > 0.82:
            out.add("white")
        if 0.15 <= v <= 0.85:
            out.add("gray")
        if v >= 0.45:
            out.add("silver")
        return out or {"gray"}
    if v < 0.15:
        return out
    if h < 16 or h >= 342:
        out.add("red")
        if v > 0.7 and s < 0.6:
            out.add("pink")
    elif h < 42:
        out.add("orange")
        if v < 0.65:
            out.add("brown")
    elif h < 68:
        out.add("yellow")
        out.add("gold")
        if v < 0.5:
            out.add("brown")
    elif h < 170:
        out.add("green")
    elif h < 200:
        out.add("cyan")
        out.add("blue")
    elif h < 258:
        out.add("blue")
    elif h < 290:
        out.add("purple")
    else:
        out.add("pink")
        out.add("purple")
    if (h < 42 or h >= 342) and v < 0.55:
        out.add("brown")
    return out


def _mat_color(mesh):
    mat = getattr(mesh.visual, "material", None)
    if mat is None:
        return None
    c = getattr(mat, "baseColorFactor", None)
    if c is None:
        return None
    c = np.asarray(c, float)
    if c.max() > 1.0:
        c = c / 255.0
    return c


def check_scene(path, expects):
    res = []
    try:
        S = Scene(path)
    except Exception as e:  # noqa: BLE001
        return [(False, f"cannot load {path}: {e}")]
    for ex in expects:
        try:
            res.append(_check_one(S, ex))
        except Exception as e:  # noqa: BLE001
            res.append((False, f"{ex}: error {e}"))
    return res


def _check_one(S, ex):
    if "relation" in ex:
        ga = S.group(ex["a"])
        gb = [n for n in S.group(ex["b"]) if n not in ga]
        if not ga or not gb:
            return False, f"{ex['relation']}({ex['a']},{ex['b']}): missing {'a' if not ga else 'b'}"
        if set(ga) & set(gb):
            return False, f"{ex['relation']}({ex['a']},{ex['b']}): same objects"
        A, B = S.bounds(ga), S.bounds(gb)
        ok = relation(ex["relation"], A, B)
        return (
            ok,
            f"{ex['relation']}({ex['a']},{ex['b']}): {'ok' if ok else 'no'} A={np.round(A, 2).tolist()} B={np.round(B, 2).tolist()}",
        )
    if "count" in ex:
        n = len(S.top_matches(ex["count"]))
        lo, hi = ex.get("min", 1), ex.get("max", 10**9)
        return lo <= n <= hi, f"count({ex['count']})={n} want [{lo},{hi}]"
    if "grounded" in ex:
        allb = S.bounds(S.mesh_nodes)
        z = allb[0][2]
        return abs(z) <= 0.05, f"grounded: min z={z:.3f}"
    if "object" in ex:
        g = S.group(ex["object"])
        if not g:
            return False, f"object({ex['object']}): missing"
        msgs = [f"object({ex['object']}): {len(g)} meshes"]
        ok = True
        if "color" in ex:
            want = set(_terms(ex["color"]))
            tot = 0.0
            good = 0.0
            seen = []
            for n in g:
                m = S.world[n]
                a = float(m.area)
                c = _mat_color(m)
                tot += a
                if c is None:
                    continue
                cls = color_class(c)
                seen.append(sorted(cls))
                if cls & want:
                    good += a
            frac = good / tot if tot else 0
            ok &= frac >= 0.3
            msgs.append(f"color {ex['color']} covers {frac:.0%}")
        if "height" in ex:
            B = S.bounds(g)
            h = B[1][2] - B[0][2]
            lo, hi = ex["height"]
            ok &= lo <= h <= hi
            msgs.append(f"height {h:.2f} want [{lo},{hi}]")
        return ok, " ".join(msgs)
    return False, f"unknown expectation {ex}"


def relation(r, A, B):
    ha, hb = A[1][2] - A[0][2], B[1][2] - B[0][2]
    t = 0.05 * max(ha, hb) + 0.02
    ca = (A[0] + A[1]) / 2
    cb = (B[0] + B[1]) / 2

    def over_fp(c, box, grow=0.0):
        return (box[0][0] - grow <= c[0] <= box[1][0] + grow) and (
            box[0][1] - grow <= c[1] <= box[1][1] + grow
        )

    if r == "on":
        return abs(A[0][2] - B[1][2]) <= t and over_fp(ca, B)
    if r == "in":
        return over_fp(ca, B) and B[0][2] - t <= A[0][2] <= B[1][2]
    if r == "top_of":
        return A[0][2] >= B[0][2] + 0.8 * hb - t and over_fp(ca, B)
    if r == "above":
        return A[0][2] >= B[1][2] - t
    if r == "below":
        return A[1][2] <= B[0][2] + t
    if r == "under":
        return over_fp(ca, B) and A[1][2] <= B[1][2] + t and ca[2] < cb[2]
    if r == "next_to":
        ox = max(0.0, min(A[1][0], B[1][0]) - max(A[0][0], B[0][0]))
        oy = max(0.0, min(A[1][1], B[1][1]) - max(A[0][1], B[0][1]))
        areaA = (A[1][0] - A[0][0]) * (A[1][1] - A[0][1])
        areaB = (B[1][0] - B[0][0]) * (B[1][1] - B[0][1])
        small = max(min(areaA, areaB), 1e-9)
        if ox * oy > 0.1 * small:
            return False
        gx = max(0.0, max(A[0][0], B[0][0]) - min(A[1][0], B[1][0]))
        gy = max(0.0, max(A[0][1], B[0][1]) - min(A[1][1], B[1][1]))
        gap = (gx**2 + gy**2) ** 0.5
        side = max(A[1][0] - A[0][0], A[1][1] - A[0][1], B[1][0] - B[0][0], B[1][1] - B[0][1])
        return gap <= 1.5 * side and abs(A[0][2] - B[0][2]) <= t
    if r == "touching":
        d = np.maximum(0, np.maximum(A[0] - B[1], B[0] - A[1]))
        return float(np.linalg.norm(d)) <= t
    raise ValueError(f"unknown relation {r}")


if __name__ == "__main__":
    exp = json.loads(sys.argv[2])
    rs = check_scene(sys.argv[1], exp)
    for ok, txt in rs:
        print(("PASS " if ok else "FAIL ") + txt)
    sys.exit(0 if all(ok for ok, _ in rs) else 1)
