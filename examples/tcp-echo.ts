// Twin of the asyncio documentation's "TCP echo client using streams" and "TCP echo server using streams"
// (docs.python.org/3/library/asyncio-stream.html). The two programs run in one process here: the server
// serves in a task, the client talks to it, then the server is closed (its `serveForever` is cancelled).
//   reader, writer = await asyncio.open_connection('127.0.0.1', 8888)
//   →  const [reader, writer] = await openConnection({ host: '127.0.0.1', port })
// The port is picked free (port: 0) rather than 8888, so the example never collides with another program.
import { createTask, isCancellation, run } from 'asyncio-ts';
import { openConnection, type StreamReader, type StreamWriter, startServer } from 'asyncio-ts/streams';

async function handleEcho(reader: StreamReader, writer: StreamWriter): Promise<void> {
  const data = await reader.read(100);
  const message = data.toString();
  const addr = writer.getExtraInfo('peername');
  console.log(`Received ${JSON.stringify(message)} from ${JSON.stringify(addr)}`);
  console.log(`Send: ${JSON.stringify(message)}`);
  writer.write(data);
  await writer.drain();
  console.log('Close the connection');
  writer.close();
  await writer.waitClosed();
}

async function tcpEchoClient(message: string, port: number): Promise<void> {
  const [reader, writer] = await openConnection({ host: '127.0.0.1', port });
  console.log(`Send: ${JSON.stringify(message)}`);
  writer.write(message);
  await writer.drain();
  const data = await reader.read(100);
  console.log(`Received: ${JSON.stringify(data.toString())}`);
  console.log('Close the connection');
  writer.close();
  await writer.waitClosed();
}

async function main(): Promise<void> {
  await using server = await startServer(handleEcho, { host: '127.0.0.1', port: 0 });
  const address = server.address as { address: string; port: number };
  console.log(`Serving on ${address.address}:${address.port}`);
  const serving = createTask(() => server.serveForever(), { name: 'echo server' });

  await tcpEchoClient('Hello World!', address.port);

  serving.cancel(); // Ctrl-C in the docs' server; here the program ends by itself
  await serving.then(undefined, (err: unknown) => {
    if (!isCancellation(err)) throw err;
  });
  console.log(`Server closed: ${!server.isServing()}`);
}

await run(main);
