# Fixture: asyncio (tasks, a queue, and a TCP echo server with streams on 127.0.0.1).
import asyncio


async def worker(name, q, results):
    while True:
        n = await q.get()
        await asyncio.sleep(0)
        results.append((name, n * n))
        q.task_done()


async def echo(reader, writer):
    data = await reader.readline()
    writer.write(data.upper())
    await writer.drain()
    writer.close()


async def main():
    q, results = asyncio.Queue(), []
    workers = [asyncio.create_task(worker("w%d" % i, q, results)) for i in range(3)]
    for n in range(6):
        q.put_nowait(n)
    await q.join()
    for w in workers:
        w.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    print(sorted(v for _, v in results))
    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"hello over tcp\n")
    print((await reader.readline()).decode().strip())
    writer.close()
    server.close()
    await server.wait_closed()
    print(await asyncio.wait_for(asyncio.sleep(0, result="done"), timeout=5))


asyncio.run(main())
