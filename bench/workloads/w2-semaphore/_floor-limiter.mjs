// The hand-written limiter of the W2 floor (also the reference of W2b): a counter and an array of waiting
// resolvers (FIFO, read through a head index), the permit handed straight to the next waiter.
import { LIMIT } from './_jobs.mjs';

let active = 0;
let waiting = [];
let head = 0;

function release() {
  if (head < waiting.length) {
    const next = waiting[head];
    waiting[head++] = undefined;
    next();
  } else {
    active--;
    if (head > 0) {
      waiting = [];
      head = 0;
    }
  }
}

/** Runs `fn` when fewer than LIMIT calls are running. */
export async function limited(fn) {
  if (active < LIMIT) active++;
  else await new Promise((resolve) => waiting.push(resolve));
  try {
    return await fn();
  } finally {
    release();
  }
}
