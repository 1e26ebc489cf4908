/**
 * A one-line live status for a terminal (`⠹ 12 done · 1 failed · 8 in flight · 1.2 MB · 340 kB/s`),
 * redrawn in place on stderr, with result lines printed above it. Our own few lines rather than a library
 * (cli-progress, ora, listr2): one status line is all `fetch` needs, and this keeps the CLI dependency-free.
 * Drawn only when stderr is a terminal (and `TERM` is not `dumb`); otherwise every call does nothing.
 * @module
 * @internal
 */

const FRAMES = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
const CLEAR_LINE = '\r\u001b[K';
/** Redraws per second: smooth enough for a counter, cheap enough to ignore. */
const REDRAW_MS = 100;

/** Whether a live status line can be drawn on `stream`. */
export function canDrawProgress(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && process.env.TERM !== 'dumb';
}

/** A status line that redraws itself while active. */
export class ProgressLine {
  private readonly stream: NodeJS.WriteStream;
  private readonly render: () => string;
  private readonly enabled: boolean;
  private timer: NodeJS.Timeout | undefined = undefined;
  private frame = 0;
  private shown = false;

  /** `render()` gives the status text (without the spinner); it is called at every redraw. */
  constructor(render: () => string, stream: NodeJS.WriteStream = process.stderr) {
    this.stream = stream;
    this.render = render;
    this.enabled = canDrawProgress(stream);
  }

  /** True when the line is drawn (stderr is a terminal). */
  get active(): boolean {
    return this.enabled;
  }

  /** Draws the line now and then every 100 ms until {@link stop}. */
  start(): void {
    if (!this.enabled || this.timer !== undefined) return;
    this.draw();
    this.timer = setInterval(() => this.draw(), REDRAW_MS);
    this.timer.unref();
  }

  /** Redraws now (after a change worth showing at once). */
  update(): void {
    if (this.timer !== undefined) this.draw();
  }

  /** Prints `text` (ending in a newline) on `out` above the status line. */
  print(out: NodeJS.WriteStream, text: string): void {
    if (this.shown) {
      this.stream.write(CLEAR_LINE);
      this.shown = false;
    }
    out.write(text);
    this.update();
  }

  /** Stops redrawing and removes the line. */
  stop(): void {
    if (this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    if (this.shown) {
      this.stream.write(CLEAR_LINE);
      this.shown = false;
    }
  }

  private draw(): void {
    const spinner = FRAMES[this.frame++ % FRAMES.length]!;
    let text = `${spinner} ${this.render()}`;
    const columns = this.stream.columns;
    if (columns !== undefined && columns > 1 && text.length >= columns)
      text = `${text.slice(0, columns - 2)}…`;
    this.stream.write(`${CLEAR_LINE}${text}`);
    this.shown = true;
  }
}
