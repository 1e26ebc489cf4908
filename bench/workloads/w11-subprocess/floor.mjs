// floor: raw child_process.spawn from 16 hand-written workers, each awaiting 'exit'.
import { spawn } from 'node:child_process';
import { main, measure } from '../../lib/bench-kit.mjs';
import { MEASURE, N, PROGRAM, pool } from './_work.mjs';

function once() {
  return new Promise((resolve, reject) => {
    const child = spawn(PROGRAM, [], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code === 0));
  });
}

await main(async () => {
  let ok = true;
  const m = await measure(async () => {
    ok = (await pool(once)) && ok;
  }, MEASURE);
  return { value: m.median, ok, info: { processes: N, cpuMs: m.cpuMs } };
});
