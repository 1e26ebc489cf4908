// HTTP bodies at undici speed (issue 13 §3): `ClientSession` against raw undici on the same servers, in one run.
//
//   npm run build && node bench/http-bodies.mjs [--rounds 5] [--node /path/to/node ...] [--sizes big,small]
//
// Servers, both on 127.0.0.1 and each in its own process: a node:http server answering with a fixed body
// (1 MiB or 136 bytes), and nginx serving the same two files when nginx is installed (generated config under
// .tmp/, stopped at the end). Workloads: `big` = 400 GETs of 1 MiB, 8 at a time; `small` = 20,000 GETs of
// 136 bytes, 64 at a time (after 4,000 to warm the JIT); each body read whole (`bytes()` / undici
// `body.arrayBuffer()`) and streamed (`for await`). Each (node, server, workload, client) is measured in a
// fresh process after a warm-up, the clients alternating round-robin for several rounds; the table gives the
// median throughput, the ratio to raw undici of the same round set (>1: faster than undici) and the
// client's CPU µs per request.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as netServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const BIG = Buffer.alloc(1024 * 1024, 'asyncio-ts ');
const SMALL = Buffer.from('hello from the small body\n'.repeat(5).slice(0, 136));
const LOADS = {
  big: { path: '/big.bin', n: 400, concurrency: 8, bytes: BIG.length, warmup: 40 },
  small: { path: '/small.txt', n: 20000, concurrency: 64, bytes: SMALL.length, warmup: 4000 },
};
const CLIENTS = ['undici', 'undici-stream', 'session', 'session-stream'];

// ---- child: one measurement ------------------------------------------------------------------------------
if (process.argv[2] === '--child') {
  const [, , , client, url, loadName] = process.argv;
  const load = LOADS[loadName];
  const get = await clientFor(client, url);
  const runN = async (n) => {
    let next = 0;
    let bytes = 0;
    const worker = async () => {
      while (next < n) {
        next++;
        const got = await get(load.path);
        bytes += got;
      }
    };
    await Promise.all(Array.from({ length: Math.min(load.concurrency, n) }, worker));
    return bytes;
  };
  await runN(load.warmup);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const bytes = await runN(load.n);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const ok = bytes === load.n * load.bytes;
  process.stdout.write(
    `${JSON.stringify({ ok, ms, reqPerSec: (load.n / ms) * 1000, mibPerSec: bytes / 1048576 / (ms / 1000), cpuUsPerReq: (cpu.user + cpu.system) / load.n })}\n`,
  );
  process.exit(0);
}

async function clientFor(client, url) {
  if (client.startsWith('undici')) {
    const { Pool } = await import('undici');
    const pool = new Pool(url);
    if (client === 'undici') {
      return async (path) => {
        const { body } = await pool.request({ path, method: 'GET' });
        return (await body.arrayBuffer()).byteLength;
      };
    }
    return async (path) => {
      const { body } = await pool.request({ path, method: 'GET' });
      let n = 0;
      for await (const chunk of body) n += chunk.length;
      return n;
    };
  }
  const { ClientSession } = await import('asyncio-ts/http');
  const session = new ClientSession();
  const base = url;
  if (client === 'session') {
    return async (path) => {
      const res = await session.get(base + path);
      return (await res.bytes()).byteLength;
    };
  }
  return async (path) => {
    const res = await session.get(base + path);
    let n = 0;
    for await (const chunk of res.body) n += chunk.byteLength;
    return n;
  };
}

// ---- parent --------------------------------------------------------------------------------------------------
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args[i + 1];
};
const rounds = Number(opt('--rounds', 5));
const nodes = [];
for (let i = 0; i < args.length; i++) if (args[i] === '--node') nodes.push(args[i + 1]);
if (nodes.length === 0) nodes.push(process.execPath);
const sizes = opt('--sizes', 'big,small').split(',');

async function freePort() {
  const s = netServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  await once(s, 'close');
  return port;
}

async function startNodeServer() {
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const body = req.url === '/big.bin' ? BIG : SMALL;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  });
  // In this process: the measured client is a child process of its own, so the server's work is not billed to it.
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    name: 'node:http',
    url: `http://127.0.0.1:${server.address().port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

async function startNginx() {
  if (spawnSync('sh', ['-c', 'command -v nginx'], { stdio: 'ignore' }).status !== 0) return undefined;
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(root, '.tmp', 'bench-nginx-'));
  spawnSync('chmod', ['755', dir]);
  mkdirSync(join(dir, 'www'));
  writeFileSync(join(dir, 'www', 'big.bin'), BIG);
  writeFileSync(join(dir, 'www', 'small.txt'), SMALL);
  const port = await freePort();
  const user = process.getuid?.() === 0 ? 'user root root;' : '';
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${user} worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http { default_type application/octet-stream; access_log off; sendfile on; keepalive_requests 1000000;
  client_body_temp_path ${dir}/cb; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;
  server { listen 127.0.0.1:${port}; root ${dir}/www; } }\n`,
  );
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/small.txt`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    name: 'nginx',
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Asynchronous: the node:http server runs in this process and must keep serving while the child measures.
async function measureOnce(node, client, url, load) {
  const child = spawn(node, [fileURLToPath(import.meta.url), '--child', client, url, load], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
  await once(child, 'exit');
  try {
    return JSON.parse(out.trim().split('\n').at(-1));
  } catch {
    return { ok: false, error: err.slice(-300) };
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const servers = [await startNodeServer()];
const nginx = await startNginx();
if (nginx !== undefined) servers.push(nginx);
try {
  for (const node of nodes) {
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    console.log(`\n### Node ${version}, ${rounds} rounds\n`);
    console.log('| server | workload | client | median | vs undici | CPU µs/req | CPU vs undici |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const server of servers) {
      for (const load of sizes) {
        const results = Object.fromEntries(CLIENTS.map((c) => [c, []]));
        for (let r = 0; r < rounds; r++) {
          for (const client of CLIENTS)
            results[client].push(await measureOnce(node, client, server.url, load));
        }
        const metric = load === 'big' ? 'mibPerSec' : 'reqPerSec';
        const unit = load === 'big' ? 'MiB/s' : 'req/s';
        const med = (c) => median(results[c].filter((x) => x.ok).map((x) => x[metric]));
        const cpu = (c) => median(results[c].filter((x) => x.ok).map((x) => x.cpuUsPerReq));
        for (const client of CLIENTS) {
          const failed = results[client].filter((x) => !x.ok).length;
          const peer = client.endsWith('stream') ? 'undici-stream' : 'undici';
          const us = cpu(client);
          console.log(
            `| ${server.name} | ${load} | ${client} | ${Math.round(med(client))} ${unit}${failed ? ` (${failed} failed)` : ''} | ${(med(client) / med(peer)).toFixed(2)}× | ${us < 100 ? us.toFixed(1) : Math.round(us)} | ${(us / cpu(peer)).toFixed(2)}× |`,
          );
        }
      }
    }
  }
} finally {
  for (const s of servers) await s.close();
}
