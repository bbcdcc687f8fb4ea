"""Copies of correct code disguised the ways students disguise them, for the tests and the bench.

Each disguise takes Python source and returns the disguised source, or None when it does not
apply (no loop to rewrite, one function to reorder): a copy that is not disguised is not a
test of anything. The code is parsed and rewritten with :mod:`ast`, never run.
"""

from __future__ import annotations

import ast
import builtins
import random
from typing import Callable

_KEEP = frozenset(dir(builtins)) | {"self", "cls", "torch", "np", "nn", "F", "math"}


def rename(source: str, keep: frozenset[str] = frozenset()) -> str | None:
    """Every argument, local, loop variable and helper function gets another name."""
    tree = ast.parse(source)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name not in keep:
            names.add(node.name)
    imported = {(a.asname or a.name).split(".")[0] for n in ast.walk(tree)
                if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    names -= _KEEP | keep | imported
    if not names:
        return None
    new = {old: f"{_WORDS[i % len(_WORDS)]}{i // len(_WORDS) or ''}_v" for i, old in enumerate(sorted(names))}

    class Renamer(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.Name:
            node.id = new.get(node.id, node.id)
            return node

        def visit_arg(self, node: ast.arg) -> ast.arg:
            node.arg = new.get(node.arg, node.arg)
            return node

        def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
            node.name = new.get(node.name, node.name)
            self.generic_visit(node)
            return node

        def visit_keyword(self, node: ast.keyword) -> ast.keyword:
            self.generic_visit(node)  # keyword names belong to the callee (torch's): kept
            return node

    return ast.unparse(Renamer().visit(tree))


_WORDS = ("alpha", "beta", "gamma", "delta", "omega", "kappa", "sigma", "theta", "zeta", "lam")


def reorder(source: str) -> str | None:
    """Top-level functions and classes in the reverse order (imports stay first)."""
    tree = ast.parse(source)
    defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    if len(defs) < 2:
        return None
    rest = [n for n in tree.body if n not in defs]
    imports = [n for n in rest if isinstance(n, (ast.Import, ast.ImportFrom))]
    others = [n for n in rest if n not in imports]
    tree.body = imports + defs[::-1] + others
    return ast.unparse(tree)


def reformat(source: str) -> str | None:
    """Another layout: two-space indents, spaces before commas, parentheses normalised."""
    lines = []
    for line in ast.unparse(ast.parse(source)).split("\n"):
        body = line.lstrip(" ")
        lines.append(" " * ((len(line) - len(body)) // 2) + body.replace(", ", " , "))
    return "\n".join(lines)


def comment(source: str) -> str | None:
    """A comment before every other line, and one at the top."""
    out = ["# my solution, written for this exercise"]
    for k, line in enumerate(source.split("\n")):
        if k % 2 == 0 and line.strip() and not line.lstrip().startswith(("#", ")", "]", "}")):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# step {k // 2 + 1}: compute what we need here")
        out.append(line)
    return "\n".join(out)


_DEAD = ("debug_count = 0\nif False:\n    print('debugging', debug_count)",
         "unused = None\nfor _ in range(0):\n    unused = _",
         "checked = True\nassert checked or not checked",
         "scratch = []\nwhile False:\n    scratch.append(1)")
_HELPERS = ("def unused_helper(values):\n    total = 0\n    for v in values:\n        total += v\n    return total",
            "def describe(obj):\n    return f'{type(obj).__name__}: {obj!r}'",
            "def clamp(value, low, high):\n    return max(low, min(value, high))")


def dead_code(source: str) -> str | None:
    """An unused helper at the top, and a few dead lines in the longest function (which
    ones depends on the code, so that two disguised copies do not share them)."""
    tree = ast.parse(source)
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if not functions:
        return None
    pick = sum(source.encode()) % len(_DEAD)
    fn = max(functions, key=lambda n: (n.end_lineno or n.lineno) - n.lineno)
    fn.body[(len(fn.body) + 1) // 2:(len(fn.body) + 1) // 2] = ast.parse(_DEAD[pick]).body
    tree.body.insert(0, ast.parse(_HELPERS[pick % len(_HELPERS)]).body[0])
    return ast.unparse(ast.fix_missing_locations(tree))


def loop(source: str) -> str | None:
    """A list built by a for loop becomes a comprehension, and a comprehension a loop."""
    tree = ast.parse(source)
    changed = False
    for parent in ast.walk(tree):
        for attr in ("body", "orelse", "finalbody"):
            block = parent.__dict__.get(attr)
            if isinstance(block, list) and block and all(isinstance(s, ast.stmt) for s in block):
                new = _rewrite_block(block)
                if new is not None:
                    setattr(parent, attr, new)
                    changed = True
    return ast.unparse(ast.fix_missing_locations(tree)) if changed else None


def _rewrite_block(block: list[ast.stmt]) -> list[ast.stmt] | None:
    out: list[ast.stmt] = []
    changed = False
    k = 0
    while k < len(block):
        s = block[k]
        nxt = block[k + 1] if k + 1 < len(block) else None
        # name = []  /  for t in it: name.append(e)   ->   name = [e for t in it]
        if (isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name)
                and isinstance(s.value, ast.List) and not s.value.elts and isinstance(nxt, ast.For)
                and not nxt.orelse and len(nxt.body) == 1 and _appends_to(nxt.body[0], s.targets[0].id)):
            call = nxt.body[0].value  # type: ignore[attr-defined]
            comp = ast.ListComp(call.args[0], [ast.comprehension(nxt.target, nxt.iter, [], 0)])
            out.append(ast.Assign([ast.Name(s.targets[0].id, ast.Store())], comp))
            k, changed = k + 2, True
            continue
        # name = [e for t in it]   ->   name = []  /  for t in it: name.append(e)
        if (isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name)
                and isinstance(s.value, ast.ListComp) and len(s.value.generators) == 1
                and not s.value.generators[0].ifs and not s.value.generators[0].is_async):
            name, gen = s.targets[0].id, s.value.generators[0]
            out.append(ast.Assign([ast.Name(name, ast.Store())], ast.List([], ast.Load())))
            append = ast.Expr(ast.Call(ast.Attribute(ast.Name(name, ast.Load()), "append", ast.Load()),
                                       [s.value.elt], []))
            out.append(ast.For(gen.target, gen.iter, [append], []))
            k, changed = k + 1, True
            continue
        out.append(s)
        k += 1
    return out if changed else None


def _appends_to(stmt: ast.stmt, name: str) -> bool:
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr == "append"
            and isinstance(stmt.value.func.value, ast.Name) and stmt.value.func.value.id == name
            and len(stmt.value.args) == 1 and not stmt.value.keywords)


def everything(source: str, keep: frozenset[str] = frozenset()) -> str | None:
    """All of them, one after the other (those that apply)."""
    out = source
    for step in (lambda s: rename(s, keep), reorder, loop, dead_code, reformat, comment):
        out = step(out) or out
    return out


def disguises(keep: frozenset[str]) -> dict[str, Callable[[str], str | None]]:
    """Name -> disguise; ``keep`` are the names a copy must keep (the exercises' functions)."""
    return {"rename": lambda s: rename(s, keep), "reorder": reorder, "reformat": reformat, "comment": comment,
            "dead_code": dead_code, "loop": loop, "everything": lambda s: everything(s, keep)}


def random_disguise(source: str, keep: frozenset[str], rng: random.Random) -> str:
    """One to three disguises picked at random (for the bench's generated class)."""
    table = disguises(keep)
    out = source
    for name in rng.sample(sorted(table), rng.randint(1, 3)):
        out = table[name](out) or out
    return out
