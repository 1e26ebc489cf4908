// A benchmark's server in a child process of its own, so that its work is not billed to the client measured.
// The script prints its port on a line, then serves until its stdin closes (see bench/workloads/w9-http/_server.mjs).
import { spawn } from 'node:child_process';

/** Starts `script`; resolves with its base URL (`http://127.0.0.1:<port>`) and a `close()` that ends it. */
export async function startServerProcess(script) {
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(Number(text.trim()));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}
