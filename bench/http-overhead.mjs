// What the layer above undici's connection costs per small request, without sockets (issue 13 §3):
// `ClientSession` against undici's own request API (`Pool.request`'s RequestHandler, BodyReadable and
// `body.text()`), both over one fake dispatcher that answers every request at once with the same 42-byte body
// and the callbacks undici's Client makes (our handler through undici's UnwrapHandler, as `Pool.dispatch`
// wraps it). Everything that both share (undici's Client, parser and the socket) is left out, so the
// difference is what each layer costs.
//
//   npm run build && node bench/http-overhead.mjs [--rounds 5]
//
// Each client runs in a fresh process per round, alternating; the table gives the median CPU µs per request.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const N = 100_000;
const CONCURRENCY = 64;
const BODY = JSON.stringify({ ok: true, message: 'hello from w9' });
const RAW_HEADERS = [
  ['content-type', 'application/json'],
  ['content-length', String(BODY.length)],
  ['connection', 'keep-alive'],
  ['keep-alive', 'timeout=5'],
]
  .flat()
  .map((x) => Buffer.from(x));

/** A dispatcher that answers every request in the next macrotask, in batches, as a socket read would. */
function fakeDispatcher(wrap) {
  // The body is a view on a larger buffer, as undici's chunks are views on the socket's read buffer.
  const arena = Buffer.alloc(65536, 'x');
  arena.write(BODY);
  let batch = [];
  const flush = () => {
    const handlers = batch;
    batch = [];
    for (const h of handlers) {
      h.onConnect(() => {});
      h.onHeaders(200, RAW_HEADERS, () => {}, 'OK');
      h.onData(arena.subarray(0, BODY.length));
      h.onComplete([]);
    }
  };
  return {
    dispatch(_opts, handler) {
      if (batch.length === 0) setImmediate(flush);
      batch.push(wrap(handler));
      return true;
    },
    close: async () => {},
    destroy: async () => {},
  };
}

async function child(client) {
  const require = createRequire(import.meta.url);
  let get;
  if (client === 'undici') {
    const request = require('undici/lib/api/api-request.js');
    const dispatcher = fakeDispatcher((h) => h);
    const opts = { path: '/', method: 'GET', origin: 'http://127.0.0.1:9' };
    get = async () => (await request.call(dispatcher, opts)).body.text();
  } else {
    const Unwrap = require('undici/lib/handler/unwrap-handler.js');
    const { ClientSession } = await import('asyncio-ts/http');
    const session = new ClientSession();
    // Internal: the session's pool for this origin is swapped for the fake one.
    Object.defineProperty(session.hostFor('http://127.0.0.1:9'), 'pool', {
      value: fakeDispatcher((h) => Unwrap.unwrap(h)),
    });
    get = async () => (await session.get('http://127.0.0.1:9/')).text();
  }
  const run = async (n) => {
    let next = 0;
    const worker = async () => {
      while (next < n) {
        next++;
        if ((await get()) !== BODY) throw new Error('wrong body');
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  };
  await run(N / 2);
  const cpu = [];
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage();
    await run(N);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / N);
  }
  cpu.sort((a, b) => a - b);
  process.stdout.write(`${JSON.stringify({ cpuUsPerReq: cpu[1] })}\n`);
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]);
  process.exit(0);
}

const args = process.argv.slice(2);
const i = args.indexOf('--rounds');
const rounds = i < 0 ? 5 : Number(args[i + 1]);
const clients = ['undici', 'session'];
const results = { undici: [], session: [] };
for (let r = 0; r < rounds; r++) {
  for (const client of r % 2 === 0 ? clients : [...clients].reverse()) {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', client], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    const [code] = await once(proc, 'exit');
    if (code !== 0) throw new Error(`${client} failed (exit ${code})`);
    results[client].push(JSON.parse(out.trim().split('\n').at(-1)).cpuUsPerReq);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const floor = median(results.undici);
console.log(`\nNode ${process.version}, ${rounds} rounds, ${N.toLocaleString('en-US')} requests per run\n`);
console.log('| layer above the connection | CPU µs/req | × undici |');
console.log('| --- | ---: | ---: |');
console.log(`| undici \`request\` + \`body.text()\` | ${floor.toFixed(2)} | 1.00× |`);
const mine = median(results.session);
console.log(
  `| \`ClientSession\` \`get\` + \`text()\` | ${mine.toFixed(2)} | ${(mine / floor).toFixed(2)}× |`,
);
