# Test helper, not a fixture: `python3 _probe.py FD SCRIPT ARGS...` runs SCRIPT as `python3 SCRIPT`
# would (as __main__, sys.argv and sys.path[0] set the same way) and, at exit, writes to the open
# file descriptor FD (a file outside the sandbox the script runs in) every
# module in sys.modules loaded from a file ("module NAME FILE") and every file mapped in the process
# ("map FILE": extension modules and the libraries they need, dlopen()ed ones too). It imports
# nothing itself (sys, atexit and builtins only), so it adds no module to what it reports.
import atexit
import sys


def _dump(out, sys=sys):
    lines = []
    for name, m in list(sys.modules.items()):
        spec = getattr(m, "__spec__", None)
        if spec is not None and spec.has_location and spec.origin:
            lines.append("module\t%s\t%s" % (name, spec.origin))
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split(None, 5)
                if len(parts) == 6 and parts[5].startswith("/"):
                    lines.append("map\t-\t%s" % parts[5].strip())
    except OSError as e:
        lines.append("error\t-\t/proc/self/maps: %s" % e)
    with open(int(out), "w", closefd=False) as f:
        f.write("\n".join(sorted(set(lines))) + "\n")


def _run(main):
    out, script = sys.argv[1], sys.argv[2]
    atexit.register(_dump, out)  # registered first, so it runs last: after logging's handlers
    sys.argv = sys.argv[2:]
    sys.path[0] = script.rpartition("/")[0] or "."
    with open(script, "rb") as f:
        code = compile(f.read(), script, "exec")
    for name in ("atexit", "sys", "_dump", "_run"):  # the script starts with a clean namespace
        del main[name]
    main["__file__"] = script
    main["__cached__"] = None
    exec(code, main)


_run(globals())
