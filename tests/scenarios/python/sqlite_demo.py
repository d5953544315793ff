# Fixture: sqlite3 (the _sqlite3 extension and libsqlite3) on an in-memory database.
import sqlite3

db = sqlite3.connect(":memory:")
db.execute("create table pkg (name text primary key, size integer)")
db.executemany("insert into pkg values (?, ?)", [("python3", 120), ("tzdata", 3), ("libssl3", 7)])
db.commit()
for row in db.execute("select name, size from pkg where size > ? order by size desc", (5,)):
    print(*row)
print("total", db.execute("select sum(size) from pkg").fetchone()[0])
db.row_factory = sqlite3.Row
row = db.execute("select * from pkg where name = 'tzdata'").fetchone()
print(dict(row))
print("sqlite", sqlite3.sqlite_version_info >= (3, 0, 0))
