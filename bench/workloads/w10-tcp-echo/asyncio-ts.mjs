// asyncio-ts: startServer with the asyncio docs' echo loop (read, write, drain); 64 client tasks in a
// taskGroup, each openConnection + write + readexactly(1024), inside run().
import { run, taskGroup } from 'asyncio-ts';
import { openConnection, startServer } from 'asyncio-ts/streams';
import { main, measure } from '../../lib/bench-kit.mjs';
import { CONNECTIONS, MEASURE, messageFor, ROUNDS, SIZE } from './_work.mjs';

async function handleEcho(reader, writer) {
  while (true) {
    const data = await reader.read(65_536);
    if (data.length === 0) break;
    writer.write(data);
    await writer.drain();
  }
}

async function client(port, c) {
  const message = messageFor(c);
  const [reader, writer] = await openConnection({ host: '127.0.0.1', port });
  let ok = true;
  for (let i = 0; i < ROUNDS; i++) {
    writer.write(message);
    await writer.drain();
    ok &&= (await reader.readexactly(SIZE)).equals(message);
  }
  writer.close();
  await writer.waitClosed();
  return ok;
}

await main(() =>
  run(async () => {
    const server = await startServer(handleEcho, { host: '127.0.0.1', port: 0 });
    const port = server.address.port;
    let ok = true;
    const m = await measure(async () => {
      await taskGroup(async (tg) => {
        for (let c = 0; c < CONNECTIONS; c++) {
          tg.createTask(async () => {
            ok &&= await client(port, c);
          });
        }
      });
    }, MEASURE);
    server.close();
    await server.waitClosed();
    return { value: m.median, ok, info: { connections: CONNECTIONS, rounds: ROUNDS, cpuMs: m.cpuMs } };
  }),
);
