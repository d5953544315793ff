# numpy's linear algebra, which runs in BLAS and LAPACK (Debian's alternatives links pick the
# libraries): a matrix product, a solve, a determinant, eigenvalues; then which BLAS/LAPACK files the
# process really mapped.
import numpy as np

a = np.array([[4.0, -2.0, 1.0], [-2.0, 4.0, -2.0], [1.0, -2.0, 4.0]])
b = np.array([11.0, -16.0, 17.0])
x = np.linalg.solve(a, b)
print("solve", np.round(x, 6).tolist())
print("check", bool(np.allclose(a @ x, b)))
print("det", round(float(np.linalg.det(a)), 6))
print("eigvalsh", np.round(np.linalg.eigvalsh(a), 6).tolist())
m = np.arange(200 * 200, dtype=np.float64).reshape(200, 200) / 1000.0
print("gemm trace", round(float(np.trace(m @ m.T)), 3))
inv = np.linalg.inv(a)
print("inverse ok", bool(np.allclose(inv @ a, np.eye(3))))
print("lstsq", np.round(np.linalg.lstsq(a[:, :2], b, rcond=None)[0], 6).tolist())
print("fft", np.round(np.abs(np.fft.fft([1.0, 2.0, 3.0, 4.0])), 6).tolist())
print("random", np.random.default_rng(42).integers(0, 100, 5).tolist())

mapped = set()
with open("/proc/self/maps") as f:
    for line in f:
        path = line.split()[-1]
        if "blas" in path or "lapack" in path:
            mapped.add(path.rsplit("/", 1)[-1])
print("mapped", sorted(mapped))
