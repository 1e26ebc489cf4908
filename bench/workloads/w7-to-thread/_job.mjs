// The job of w7, in a plain JavaScript module that every implementation's worker threads import.
export function increment(n) {
  return n + 1;
}
