/**
 * A small HTTP server for credential and cookie tests (routes the shared test server does not have):
 * `/basic-auth/:user/:pass`, `/echo` (request headers as JSON), `/redirect-to?url=&status=`,
 * `/set-cookie?c=<Set-Cookie value>&next=<url>` (sets it, then redirects to `next` if given),
 * `/login` (POST; sets `session=…; HttpOnly; Path=/`, 303 → /account), `/account` (200 only with that cookie),
 * `/charset?cs=&hex=` (bytes `hex` as text/plain with that charset), `/empty`. Closed after the test file.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MiniServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

function json(
  res: ServerResponse,
  status: number,
  value: unknown,
  extra: Record<string, string | string[]> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const parts = url.pathname.split('/').filter(Boolean);
  const q = url.searchParams;
  switch (parts[0]) {
    case 'basic-auth': {
      const expected = `Basic ${Buffer.from(`${parts[1]}:${decodeURIComponent(parts[2] ?? '')}`).toString('base64')}`;
      if (req.headers.authorization === expected) json(res, 200, { authenticated: true, user: parts[1] });
      else json(res, 401, { authenticated: false }, { 'www-authenticate': 'Basic realm="test"' });
      return;
    }
    case 'echo':
      json(res, 200, { path: req.url, headers: req.headers });
      return;
    case 'redirect-to':
      res.writeHead(Number(q.get('status') ?? 302), {
        location: q.get('url') ?? '/echo',
        'content-length': 0,
      });
      res.end();
      return;
    case 'set-cookie': {
      const next = q.get('next');
      const headers: Record<string, string | string[]> = {
        'set-cookie': q.getAll('c'),
        'content-length': '0',
      };
      if (next !== null) headers.location = next;
      res.writeHead(next === null ? 200 : 302, headers);
      res.end();
      return;
    }
    case 'login':
      req.resume();
      req.on('end', () => {
        res.writeHead(303, {
          'set-cookie': 'session=abc123; HttpOnly; Path=/',
          location: '/account',
          'content-length': 0,
        });
        res.end();
      });
      return;
    case 'account':
      if (/(?:^|;\s*)session=abc123(?:;|$)/.test(req.headers.cookie ?? '')) json(res, 200, { user: 'ada' });
      else json(res, 401, { error: 'login first' });
      return;
    case 'charset': {
      const body = Buffer.from(q.get('hex') ?? '', 'hex');
      const cs = q.get('cs');
      res.writeHead(200, {
        'content-type': cs === null ? 'text/plain' : `text/plain; charset=${cs}`,
        'content-length': body.length,
      });
      res.end(body);
      return;
    }
    case 'empty':
      res.writeHead(q.get('status') === '204' ? 204 : 200, {
        'content-type': 'application/json',
        'content-length': 0,
      });
      res.end();
      return;
    case 'html':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html>not json</html>');
      return;
    default:
      json(res, 404, { error: 'no route' });
  }
}

export async function startMiniServer(): Promise<MiniServer> {
  const server = createServer({ keepAliveTimeout: 5000 }, handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
