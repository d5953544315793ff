# Fixture: subprocess (fork/exec of the interpreter itself: the only program the closure knows of).
import subprocess
import sys

r = subprocess.run([sys.executable, "-c", "import sys; print(sys.argv[1:]); sys.exit(3)", "a", "b"],
                   capture_output=True, text=True)
print(r.returncode, r.stdout.strip())
out = subprocess.check_output([sys.executable, "-c", "import sys; sys.stdout.write(sys.stdin.read().upper())"],
                              input=b"piped through\n")
print(out.decode().strip())
p = subprocess.Popen([sys.executable, "-c", "print(6 * 7)"], stdout=subprocess.PIPE)
print(p.communicate()[0].decode().strip(), p.wait())
