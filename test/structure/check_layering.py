"""Checks the layering that docs/design.md prescribes, reading its table:

- every `#include "..."` of a source file is allowed for the file's folder;
- nothing under runtime/ includes MLIR or LLVM, in quotes or brackets;
- words that name a target appear only in that target's folders (and the
  exempt places design.md lists).

Prints one line per violation and `N files checked, N violations`; exits 1 on
any violation.

  python test/structure/check_layering.py --root .
"""
import argparse
import os
import re
import subprocess
import sys

INCLUDING_SUFFIXES = (".cpp", ".h", ".td", ".inc")
CHECKED_ROOTS = ("include", "dialects", "passes", "lib", "runtime", "tools")
# AvailableCores reads Linux's cgroup controller named cpu (design.md).
EXEMPT_FROM_NAMING = ("test/", "docs/", "examples/", "tools/setup", "tools/test",
                      "runtime/core/AvailableCores.")
TARGET_WORDS = ("blas", "openblas", "cuda", "cublas", "nvptx", "x86", "avx")


def read_rules(design):
    """(folder pattern, [allowed patterns]) rows of design.md's layering table."""
    rules = []
    in_table = False
    for line in open(design, encoding="utf-8"):
        if line.startswith("| folder | may include |"):
            in_table = True
            continue
        if in_table:
            if not line.startswith("|"):
                break
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if set(cells[0]) <= {"-"}:
                continue
            folder = cells[0].strip("`")
            allowed = re.findall(r"`([^`]+)`|\b(MLIR|LLVM)\b", cells[1])
            rules.append((folder, [a or b for a, b in allowed]))
    if not rules:
        sys.exit(f"check_layering: no layering table in {design}")
    return rules


def match_folder(pattern, folder):
    """The placeholder bindings under which `pattern` names `folder` (both end
    in '/'), or None."""
    want, have = pattern.strip("/").split("/"), folder.strip("/").split("/")
    if len(want) != len(have):
        return None
    bindings = {}
    for w, h in zip(want, have):
        if w == "*":
            continue
        if w.startswith("<") and w.endswith(">"):
            if bindings.setdefault(w[1:-1], h) != h:
                return None
            continue
        if w != h:
            return None
    return bindings


def allowed(include, patterns, bindings):
    if include.startswith("mlir/"):
        return "MLIR" in patterns
    if include.startswith("llvm/"):
        return "LLVM" in patterns
    folder = os.path.dirname(include) + "/"
    if include.startswith("strata/"):
        folder = "include/strata/"
    for p in patterns:
        if p in ("MLIR", "LLVM"):
            continue
        for name, value in bindings.items():
            p = p.replace(f"<{name}>", value)
        if match_folder(p, folder) is not None:
            return True
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="the repository's root")
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    rules = read_rules(os.path.join(root, "docs", "design.md"))
    files = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True, text=True,
                           check=True).stdout.split()
    targets = sorted({p.split("/")[2] for p in files
                      if p.startswith(("lib/target/", "runtime/device/")) and p.count("/") >= 3})
    words = re.compile(r"\b(" + "|".join(targets + list(TARGET_WORDS)) + r")\b", re.IGNORECASE)
    target_folders = tuple(f"lib/target/{t}/" for t in targets) + tuple(
        f"runtime/device/{t}/" for t in targets)

    violations = []
    checked = 0
    for path in files:
        if not path.startswith(CHECKED_ROOTS) and path != "CMakeLists.txt":
            continue
        full = os.path.join(root, path)
        if not os.path.isfile(full):
            continue
        text = open(full, encoding="utf-8", errors="replace").read()
        checked += 1
        folder = os.path.dirname(path) + "/"
        if path.endswith(INCLUDING_SUFFIXES):
            rule = None
            for pattern, patterns in rules:
                bindings = match_folder(pattern, folder)
                if bindings is not None:
                    rule = (patterns, bindings)
            if rule is None:
                violations.append(f"{path}: its folder has no row in docs/design.md")
            else:
                for include in re.findall(r'^\s*#\s*include\s+"([^"]+)"', text, re.M):
                    if not allowed(include, *rule):
                        violations.append(f"{path}: includes {include}, which {folder} may not")
        if path.startswith("runtime/"):
            for include in re.findall(r'^\s*#\s*include\s+[<"]((?:mlir|llvm)/[^>"]+)[>"]', text,
                                      re.M):
                violations.append(f"{path}: the runtime includes {include}")
        if not path.startswith(target_folders + EXEMPT_FROM_NAMING):
            for number, line in enumerate(text.splitlines(), 1):
                m = words.search(line)
                if m:
                    violations.append(f"{path}:{number}: names a target ('{m.group(0)}')")
    for v in violations:
        print(v)
    print(f"{checked} files checked, {len(violations)} violations")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
