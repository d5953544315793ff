# Test helper, not a fixture: `python3 _cpython_tests.py TEST...` runs CPython's own regression tests
# (Debian's libpython3.11-testsuite; TEST is a dotted name such as test.test_json) with unittest,
# quietly, and prints one line of counts. The test modules are found by name at run time: raison is
# told about them with --python-import.
import sys
import unittest

suite = unittest.defaultTestLoader.loadTestsFromNames(sys.argv[1:])
result = unittest.TextTestRunner(stream=sys.stderr, verbosity=0).run(suite)
print("ran %d, failures %d, errors %d, skipped %d" % (result.testsRun, len(result.failures), len(result.errors),
                                                     len(result.skipped)))
sys.exit(0 if result.wasSuccessful() else 1)
