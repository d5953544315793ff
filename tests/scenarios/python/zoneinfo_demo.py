# Fixture: zoneinfo (reads the tzdata files under /usr/share/zoneinfo).
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

t = datetime(2024, 7, 1, 12, 0, tzinfo=timezone.utc)
for name in ("Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Adelaide"):
    local = t.astimezone(ZoneInfo(name))
    print(name, local.isoformat(), local.tzname())
winter = datetime(2024, 1, 1, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))
print(winter.utcoffset(), winter.dst())
