"""For scripts that need the export environment (torch, transformers:
tools/setup --export-deps): when the running Python lacks a module, runs the
script again under $STRATA_EXPORT_PYTHON, or exits 77 (skipped) when that is
not set."""
import importlib
import os
import sys


def require(*modules):
    """Returns when every module in `modules` imports; otherwise does not return."""
    try:
        for module in modules:
            importlib.import_module(module)
    except ImportError:
        python = os.environ.pop("STRATA_EXPORT_PYTHON", "")
        if os.access(python, os.X_OK):
            script = os.path.abspath(sys.argv[0])
            os.execv(python, [python, script, *sys.argv[1:]])
        missing = " and ".join(modules)
        print(f"skipped: {missing} {'is' if len(modules) == 1 else 'are'} missing "
              f"(tools/setup --export-deps)")
        sys.exit(77)
