// Twin of the asyncio documentation's subprocess example (docs.python.org/3/library/asyncio-subprocess.html),
// run under a timeout:
//   proc = await asyncio.create_subprocess_exec('sleep', '10', stdout=PIPE, stderr=PIPE)
//   stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout=1)
// asyncio's timeout cancels communicate() but leaves `sleep` running until you call proc.kill(). Here the
// cancelled communicate() terminates the child (SIGTERM, SIGKILL after killGraceMs) and reaps it before the
// TimeoutError arrives: no process is left behind.
import { now, run, TimeoutError, timeout } from 'asyncio-ts';
import { createSubprocessExec, runProcess } from 'asyncio-ts/subprocess';

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const proc = await createSubprocessExec('sleep', ['10'], { stdout: 'pipe', stderr: 'pipe' });
  console.log(`Started pid ${proc.pid}: sleep 10`);
  const started = now();
  try {
    const [stdout] = await timeout(1000, () => proc.communicate());
    console.log(`[stdout]\n${stdout}`);
  } catch (err) {
    if (!(err instanceof TimeoutError)) throw err;
    const seconds = ((now() - started) / 1000).toFixed(2);
    console.log(`Timed out after ${seconds} s: 'sleep 10' exited with ${proc.returncode} (SIGTERM)`);
  }
  console.log(`pid ${proc.pid} still exists: ${exists(proc.pid)}`);

  // The same in one call, as trio's run_process:
  const result = await timeout(1000, () => runProcess('sleep', ['10'])).catch((err: unknown) => err);
  console.log(`runProcess under a 1 s timeout: ${result instanceof TimeoutError ? 'TimeoutError' : result}`);
}

await run(main);
