// The server of W9, run in its own process (so that its work is not billed to the client being measured):
// node:http with keep-alive on 127.0.0.1, answering every request with the same small JSON body. Prints its
// port as one line, then serves until its stdin closes (the parent exits or closes it).
import { createServer } from 'node:http';

const body = Buffer.from(JSON.stringify({ ok: true, message: 'hello from w9' }));
const server = createServer({ keepAliveTimeout: 60_000 }, (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
