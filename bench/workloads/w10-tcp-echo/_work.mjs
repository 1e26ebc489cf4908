// Shared by the w10 implementations: 64 connections, each 200 round trips of a 1 KiB message.
export const CONNECTIONS = 64;
export const ROUNDS = 200;
export const SIZE = 1024;
export const MEASURE = { warmup: 2, iterations: 5, budgetMs: 20_000 };

/** The message of connection `c`: distinct per connection, so a crossed wire fails the check. */
export function messageFor(c) {
  const message = Buffer.alloc(SIZE);
  for (let i = 0; i < SIZE; i++) message[i] = (c * 31 + i) & 0xff;
  return message;
}
