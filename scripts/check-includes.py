#!/usr/bin/env python3
"""Fails when a target includes another target's header without linking it.

Every header in the tree belongs to the target whose sources sit in its
folder (the library that compiles its .cpp, where a folder holds several). A
target may include its own headers and those of the targets it links, plus
what those publish in turn (PUBLIC and INTERFACE links, as CMake passes on
include folders). Anything else compiles only because some target publishes
a whole folder, and breaks when the tree is re-rooted: it is listed here with
the file, the line and the link that is missing.

Reads what CMake itself knows, from a configure of the tree into a scratch
folder: the targets and their sources and include folders (file API,
codemodel-v2) and the link graph with each link's visibility (--graphviz).

    scripts/check-includes.py [BUILD_DIR]         every include declared
    scripts/check-includes.py --doc [BUILD_DIR]   docs/ARCHITECTURE.md names every
        product target (outside tests/ and bench/), and every target it names exists

BUILD_DIR defaults to a fresh configure in a temporary folder. Exit 0 when
all is well, 1 with the list otherwise.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_EXT = (".cpp", ".cc", ".c", ".h", ".hpp")


def configure(build):
    query = os.path.join(build, ".cmake", "api", "v1", "query")
    os.makedirs(query, exist_ok=True)
    open(os.path.join(query, "codemodel-v2"), "w").close()
    dot = os.path.join(build, "links.dot")
    r = subprocess.run(["cmake", "-S", ROOT, "-B", build, "-G", "Ninja", "--graphviz=" + dot],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("check-includes: cmake configure failed:\n" + r.stdout + r.stderr)
    return dot


def read_targets(build):
    reply = os.path.join(build, ".cmake", "api", "v1", "reply")
    index = json.load(open(glob.glob(os.path.join(reply, "codemodel-v2-*.json"))[0]))
    targets = {}
    build = os.path.realpath(build)
    for t in index["configurations"][0]["targets"]:
        j = json.load(open(os.path.join(reply, t["jsonFile"])))
        if j["type"] == "UTILITY":  # custom steps (the console's npm build): no C++ to check
            targets[j["name"]] = {"type": j["type"], "sources": [], "includes": []}
            continue
        # Files of the tree only: not the Debian package's backend, not what the build generates.
        sources = [s["path"] for s in j.get("sources", [])
                   if not os.path.isabs(s["path"]) and os.path.isfile(os.path.join(ROOT, s["path"]))
                   and not os.path.realpath(os.path.join(ROOT, s["path"])).startswith(build + os.sep)]
        includes = []
        for g in j.get("compileGroups", []):
            includes += [os.path.normpath(i["path"]) for i in g.get("includes", [])]
        targets[j["name"]] = {"type": j["type"], "sources": sources, "includes": includes}
    return targets


def read_links(dot):
    names, edges = {}, {}
    for line in open(dot, encoding="utf-8"):
        m = re.match(r'\s*"(node\d+)" \[ label = "([^"]+)"', line)
        if m:
            names[m.group(1)] = m.group(2)
            continue
        m = re.match(r'\s*"(node\d+)" -> "(node\d+)"(?: \[ style = (\w+) \])?', line)
        if m:
            style = m.group(3) or "solid"  # solid PUBLIC, dashed INTERFACE, dotted PRIVATE
            edges.setdefault(m.group(1), []).append((m.group(2), style != "dotted"))
    links = {}
    for a, outs in edges.items():
        links[names[a]] = [(names[b], passed_on) for b, passed_on in outs]
    return links


def reachable(target, links):
    """The target itself, what it links, and what those pass on (PUBLIC/INTERFACE)."""
    seen = {target}
    todo = [name for name, _ in links.get(target, [])]
    while todo:
        t = todo.pop()
        if t in seen:
            continue
        seen.add(t)
        todo += [name for name, passed_on in links.get(t, []) if passed_on]
    return seen


LIBRARY = ("STATIC_LIBRARY", "SHARED_LIBRARY", "OBJECT_LIBRARY", "INTERFACE_LIBRARY")


def header_owners(targets):
    """Libraries owning headers: by the file (its .cpp or the header itself is
    a source of theirs) and by folder. Executables own nothing: no target can
    link them, so a header only they use (a test's or a benchmark's helper)
    is not checked."""
    owners = {}
    for name, t in targets.items():
        if t["type"] not in LIBRARY:
            continue
        for s in t["sources"]:
            owners.setdefault(("file", os.path.splitext(s)[0]), set()).add(name)
            owners.setdefault(("dir", os.path.dirname(s)), set()).add(name)
    return owners


def owner_of(header, owners):
    rel = os.path.relpath(header, ROOT)
    return owners.get(("file", os.path.splitext(rel)[0])) or owners.get(("dir", os.path.dirname(rel))) or set()


def check_doc(targets):
    doc = open(os.path.join(ROOT, "docs", "ARCHITECTURE.md"), encoding="utf-8").read()
    tree = doc.split("## Folders and library targets", 1)[1].split("\n## ", 1)[0]
    problems = []
    for name, t in sorted(targets.items()):
        if not t["sources"] or t["sources"][0].startswith(("tests/", "bench/")):
            continue
        if not re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", tree):
            problems.append(f"docs/ARCHITECTURE.md: target {name} ({os.path.dirname(t['sources'][0])}) is not in the tree")
    column = r"(?:^ {1,3}|─► |^ +)((?:kiosk|sync|platform|hub)_[a-z_]+)(?= )"  # the tree's target column
    for named in sorted(set(re.findall(column, tree, re.M))):
        if named not in targets:
            problems.append(f"docs/ARCHITECTURE.md: names {named}, which CMake does not define")
    for p in problems:
        print(p)
    print(f"check-includes --doc: {len(targets)} targets, {len(problems)} problems")
    return 1 if problems else 0


def main():
    args = sys.argv[1:]
    doc = "--doc" in args
    args = [a for a in args if a != "--doc"]
    build = args[0] if args else tempfile.mkdtemp(prefix="check-includes-")
    dot = configure(build)
    targets, links = read_targets(build), read_links(dot)
    if doc:
        return check_doc(targets)
    owners = header_owners(targets)
    problems = []
    checked = 0
    for name, t in sorted(targets.items()):
        allowed = reachable(name, links)
        files = [os.path.join(ROOT, s) for s in t["sources"]]
        # The target's own headers too: an include in a header counts for it.
        for folder in {os.path.dirname(f) for f in files}:
            for f in os.listdir(folder):
                path = os.path.join(folder, f)
                if f.endswith((".h", ".hpp")) and name in owner_of(path, owners):
                    files.append(path)
        for path in sorted(set(files)):
            if not path.endswith(SOURCE_EXT) or not os.path.isfile(path):
                continue
            for no, line in enumerate(open(path, encoding="utf-8", errors="replace"), 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m:
                    continue
                inc = m.group(1)
                candidates = [os.path.join(os.path.dirname(path), inc)] + [os.path.join(d, inc) for d in t["includes"]]
                found = next((os.path.normpath(c) for c in candidates if os.path.isfile(c)), None)
                if not found or not found.startswith(ROOT + os.sep) or "/build/" in found:
                    continue  # a system header, or one the build generates
                owner = owner_of(found, owners)
                checked += 1
                if owner and not (owner & allowed):
                    lib = " or ".join(sorted(owner))
                    problems.append(f"{os.path.relpath(path, ROOT)}:{no}: {name} includes \"{inc}\" of {lib} "
                                    f"but does not link it (add {lib} to target_link_libraries({name} …))")
    for p in problems:
        print(p)
    print(f"check-includes: {checked} includes in {len(targets)} targets, {len(problems)} undeclared")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
