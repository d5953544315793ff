# Fixture: logging, configured through logging.config.dictConfig, with a handler on stdout.
import logging
import logging.config
import logging.handlers
import sys

logging.config.dictConfig({
    "version": 1,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"out": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}},
    "root": {"level": "INFO", "handlers": ["out"]},
})
log = logging.getLogger("raison.closure")
log.info("kept %d files", 42)
log.debug("not shown")
log.warning("missing %s", "libfoo.so.1")
try:
    1 / 0
except ZeroDivisionError:
    log.error("failed", exc_info=False)
mem = logging.handlers.MemoryHandler(capacity=10, target=logging.StreamHandler(sys.stdout))
mem.setFormatter(logging.Formatter("%(message)s"))
logging.getLogger("buffered").addHandler(mem)
logging.getLogger("buffered").warning("flushed at close")
mem.close()
