# Fixture: email (building a MIME message with an attachment, serialising it, parsing it back).
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, parseaddr
import datetime

msg = EmailMessage()
msg["From"] = "Raison <raison@example.org>"
msg["To"] = "you@example.org"
msg["Subject"] = "Closure report \N{CHECK MARK}"
msg["Date"] = format_datetime(datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc))
msg.set_content("Kept 42 files.\n")
msg.add_attachment(b"\x00\x01binary", maintype="application", subtype="octet-stream", filename="closure.bin")
raw = msg.as_bytes(policy=policy.SMTP)
back = BytesParser(policy=policy.default).parsebytes(raw)
print(back["Subject"])
print(parseaddr(back["From"]))
print(back.get_content_type(), [p.get_content_type() for p in back.iter_parts()])
att = next(back.iter_attachments())
print(att.get_filename(), att.get_content())
print(back.get_body(("plain",)).get_content().strip())
