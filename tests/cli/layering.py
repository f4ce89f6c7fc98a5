#!/usr/bin/env python3
"""tests/cli/layering.py: the layering of src/http, src/io and src/app, from the source.

    layering.py ROOT mhd        prints the files of ROOT/src/http naming MHD_
    layering.py ROOT cycles     prints each include cycle, one a line

The folders read are src/http, src/io and src/app (where it exists).

An include cycle is one among the files of those folders, where a file
leads to another when it includes it ("name.h" of those folders), and a
header leads to each source that defines a function the header declares
(what including it brings in at link time).  A source's edge to a header it
implements is left out: that is the pair itself, not a cycle.  So a header
that declares what a.c defines, included by b.c, while a.c includes (through
any chain) a header b.c implements, is a cycle: a.c and b.c each need the
other.  Prints nothing when the graph is a DAG.
"""
import os
import re
import sys

DIRS = ("src/http", "src/io", "src/app")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# A declaration at the start of a line: "type name(args...);" over one or
# more lines; a definition: the same followed by "{" (static ones excluded).
DECL = re.compile(r"^(?!static\b)(?!typedef\b)[A-Za-z_][\w \t\*]*?\b(\w+)\s*\([^;{]*?\)\s*(?:__attribute__\(\(.*?\)\)\s*)?;",
                  re.M | re.S)
DEF = re.compile(r"^(?!static\b)[A-Za-z_][\w \t\*]*?\b(\w+)\s*\([^;{]*?\)\s*\{", re.M | re.S)
COMMENT = re.compile(r"/\*.*?\*/", re.S)


def files(root):
    out = {}
    for d in DIRS:
        full = os.path.join(root, d)
        if not os.path.isdir(full):
            continue
        for name in sorted(os.listdir(full)):
            if name.endswith((".c", ".h")):
                with open(os.path.join(full, name), encoding="utf-8") as f:
                    out[os.path.join(d, name)] = f.read()
    return out


def graph(src):
    by_name = {os.path.basename(p): p for p in src if p.endswith(".h")}
    code = {p: COMMENT.sub("", t) for p, t in src.items()}
    declared = {p: set(DECL.findall(t)) for p, t in code.items() if p.endswith(".h")}
    defined = {p: set(DEF.findall(t)) for p, t in code.items() if p.endswith(".c")}
    edges = {p: set() for p in src}
    for p, t in code.items():
        for inc in INCLUDE.findall(t):
            h = by_name.get(os.path.basename(inc))
            if h and h != p and not (p.endswith(".c") and declared[h] & defined[p]):
                edges[p].add(h)
    for h, names in declared.items():
        for c, defs in defined.items():
            if names & defs:
                edges[h].add(c)
    return edges


def cycles(edges):
    """Tarjan's strongly connected components of more than one file."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main():
    root, what = sys.argv[1], sys.argv[2]
    src = files(root)
    if what == "mhd":
        for p, t in sorted(src.items()):
            if p.startswith("src/http/") and "MHD_" in t:
                print(p)
    elif what == "cycles":
        for comp in cycles(graph(src)):
            print(" ".join(comp))
    else:
        sys.exit("layering.py ROOT mhd|cycles")


if __name__ == "__main__":
    main()
