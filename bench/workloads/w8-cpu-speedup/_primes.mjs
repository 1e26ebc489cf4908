// The CPU-bound job of w8 (the same trial division as examples/primes.ts), as plain JavaScript so that
// worker threads import it without a TypeScript loader.
export function countPrimes(from, to) {
  let count = 0;
  for (let n = Math.max(from, 2); n < to; n++) if (isPrime(n)) count++;
  return count;
}

function isPrime(n) {
  if (n < 4) return n >= 2;
  if (n % 2 === 0) return false;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

/** piscina's calling convention: one argument. */
export function countPrimesTask({ from, to }) {
  return countPrimes(from, to);
}
