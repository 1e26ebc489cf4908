import { CancelledError } from 'asyncio-ts';

const N = 10_000;
const out = {};
function t(name, fn) {
  const xs = [];
  for (let k = 0; k < 40; k++) {
    const t0 = performance.now();
    fn();
    xs.push(performance.now() - t0);
  }
  xs.sort((a, b) => a - b);
  out[name] = xs[20].toFixed(2) + ' ms/10k';
}
const sink = new Array(N);
t('new CancelledError (limit toggled per call)', () => {
  for (let i = 0; i < N; i++) {
    const l = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      sink[i] = new CancelledError(`Task Task-${i} was cancelled`);
    } finally {
      Error.stackTraceLimit = l;
    }
  }
});
t('new CancelledError (limit 0 once)', () => {
  const l = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  for (let i = 0; i < N; i++) sink[i] = new CancelledError(`Task Task-${i} was cancelled`);
  Error.stackTraceLimit = l;
});
t('new CancelledError (with stack)', () => {
  for (let i = 0; i < N; i++) sink[i] = new CancelledError(`Task Task-${i} was cancelled`);
});
t('plain object', () => {
  for (let i = 0; i < N; i++)
    sink[i] = { message: `Task Task-${i} was cancelled`, code: 'x', reason: undefined };
});
console.log(out);
