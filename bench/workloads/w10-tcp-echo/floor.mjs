// floor: hand-written node:net echo server and clients, no library: chunks echoed on 'data', the client
// counts received bytes until the message is whole, then sends the next one.
import net from 'node:net';
import { main, measure } from '../../lib/bench-kit.mjs';
import { CONNECTIONS, MEASURE, messageFor, ROUNDS, SIZE } from './_work.mjs';

function client(port, c) {
  return new Promise((resolve, reject) => {
    const message = messageFor(c);
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    const chunks = [];
    let received = 0;
    let rounds = 0;
    let ok = true;
    socket.on('error', reject);
    socket.on('connect', () => socket.write(message));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < SIZE) return;
      ok &&= Buffer.concat(chunks, received).equals(message);
      chunks.length = 0;
      received = 0;
      if (++rounds === ROUNDS) {
        socket.end();
        resolve(ok);
      } else socket.write(message);
    });
  });
}

await main(async () => {
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  let ok = true;
  const m = await measure(async () => {
    const results = await Promise.all(Array.from({ length: CONNECTIONS }, (_, c) => client(port, c)));
    ok &&= results.every(Boolean);
  }, MEASURE);
  server.close();
  return { value: m.median, ok, info: { connections: CONNECTIONS, rounds: ROUNDS, cpuMs: m.cpuMs } };
});
