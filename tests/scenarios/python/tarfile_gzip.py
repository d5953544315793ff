# Fixture: tarfile and gzip on in-memory data (fixed mtimes, so every byte is deterministic).
import gzip
import hashlib
import io
import tarfile

buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w:gz") as tar:
    for name, data in (("a.txt", b"alpha\n"), ("dir/b.txt", b"beta\n" * 100)):
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(data), 1700000000, 0o644
        tar.addfile(info, io.BytesIO(data))
buf.seek(0)
with tarfile.open(fileobj=buf, mode="r:*") as tar:
    for m in tar.getmembers():
        print(m.name, m.size, oct(m.mode), tar.extractfile(m).read()[:5])
z = gzip.compress(b"raison " * 1000, mtime=0)
print(len(gzip.decompress(z)), hashlib.sha256(gzip.decompress(z)).hexdigest()[:16])
