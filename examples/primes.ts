// The CPU-bound job of examples/cpu-bound.ts, in a module of its own so that worker threads can import it
// (workerFunction) and the main thread can call it directly.

/** How many primes p satisfy from <= p < to (trial division: deliberately CPU-bound). */
export function countPrimes(from: number, to: number): number {
  let count = 0;
  for (let n = Math.max(from, 2); n < to; n++) if (isPrime(n)) count++;
  return count;
}

function isPrime(n: number): boolean {
  if (n < 4) return n >= 2;
  if (n % 2 === 0) return false;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}
