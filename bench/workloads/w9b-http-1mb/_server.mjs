// The server of W9b, in its own process (its work is not billed to the client measured): node:http with
// keep-alive on 127.0.0.1, answering every request with the same 1 MiB body. Prints its port, then serves
// until its stdin closes.
import { createServer } from 'node:http';

const body = Buffer.alloc(1024 * 1024, 'asyncio-ts ');
const server = createServer({ keepAliveTimeout: 60_000 }, (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
