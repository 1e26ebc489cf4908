/**
 * `LeaseKeeper`: renews the leases this process holds on one primitive (semaphore permits, queue deliveries)
 * with one script call per period for all of them, on one timer that runs only while something is held.
 * A holder that dies stops renewing, and its lease runs out on the server.
 * @module
 */
import type { ActivePart, RedisConnection } from './connection.js';

/** @internal */
export class LeaseKeeper implements ActivePart {
  readonly held = new Set<string>();
  private timer: NodeJS.Timeout | undefined = undefined;
  private renewing = false;

  constructor(
    private readonly conn: RedisConnection,
    private readonly periodMs: number,
    /** Renews `ids` on the server; resolves with the ones whose lease was already lost. */
    private readonly renew: (ids: string[]) => Promise<string[]>,
    private readonly onLost: (id: string) => void = () => {},
  ) {}

  add(id: string): void {
    this.held.add(id);
    if (this.timer === undefined && !this.conn.closed) {
      this.conn.activate(this);
      this.timer = setInterval(() => void this.tick(), this.periodMs);
      // A held permit must not keep the process alive on its own: the socket does while work goes on.
      this.timer.unref();
    }
  }

  delete(id: string): boolean {
    // The timer is stopped by the next tick that finds nothing held, not here: a loop of uncontended
    // acquire/release then costs no timer per operation.
    return this.held.delete(id);
  }

  abort(): void {
    this.held.clear();
    this.stop();
  }

  resume(): void {
    // Right after a reconnect, renew at once: a restarted server lost every lease.
    void this.tick();
  }

  private stop(): void {
    if (this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.conn.deactivate(this);
    }
  }

  private async tick(): Promise<void> {
    if (this.held.size === 0) this.stop();
    if (this.renewing || this.held.size === 0 || this.conn.closed) return;
    this.renewing = true;
    try {
      const lost = await this.renew([...this.held]);
      for (const id of lost) if (this.held.has(id)) this.onLost(id);
    } catch {
      // The connection is down: the next tick (or the reconnect) tries again; the lease may run out meanwhile.
    } finally {
      this.renewing = false;
    }
  }
}
