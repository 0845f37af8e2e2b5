import type { EmbedProgress, TrainEvent } from '@topickd/core';
import { plural } from './format.js';

/** What a run reports as it goes (the `onProgress` of the API). */
/** Where progress goes: what it uses of a Node write stream (process.stderr by default). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export type ProgressEvent =
  | { type: 'log'; message: string }
  | { type: 'embedding'; label: string; done: number; total: number }
  | { type: 'training'; label: string; event: TrainEvent };

export interface ProgressOptions {
  quiet?: boolean;
  /** Receives every event, whether or not anything is drawn. */
  listener?: (event: ProgressEvent) => void;
  /** Where to write (default process.stderr). */
  stream?: ProgressStream;
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  const sec = Math.floor(s % 60);
  return `${m}:${String(sec).padStart(2, '0')}`;
}

/**
 * Renders progress on stderr: a redrawn bar on a TTY (loss, docs/s, ETA), one plain
 * line per epoch otherwise, nothing with --quiet. Results go to stdout, never here.
 */
export class Progress {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private lastDraw = 0;

  constructor(private readonly options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
  }

  /** Whether nothing is drawn (--quiet). */
  get quiet(): boolean {
    return Boolean(this.options.quiet);
  }

  log(message: string): void {
    this.options.listener?.({ type: 'log', message });
    if (this.options.quiet) return;
    this.clearLine();
    this.stream.write(`${message}\n`);
  }

  private clearLine(): void {
    if (this.tty) this.stream.write('\r\x1b[K');
  }

  private bar(fraction: number, width = 24): string {
    const full = Math.round(Math.max(0, Math.min(1, fraction)) * width);
    return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
  }

  private draw(text: string, force = false): void {
    if (this.options.quiet || !this.tty) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.stream.write(`\r\x1b[K${text}`);
  }

  /** A callback for `Encoder.embed`'s onProgress: a bar while documents are computed (the summary is `embedded`). */
  embedding(label: string): (p: EmbedProgress) => void {
    const t0 = Date.now();
    this.embedStart = t0;
    return (p) => {
      this.options.listener?.({ type: 'embedding', label, done: p.done, total: p.total });
      const dt = (Date.now() - t0) / 1000;
      const rate = p.done / Math.max(dt, 1e-9);
      const eta = (p.total - p.done) / Math.max(rate, 1e-9);
      this.draw(`${label} ${this.bar(p.done / p.total)} ${p.done}/${p.total} docs  ${rate.toFixed(0)} docs/s  ETA ${fmtTime(eta)}`, p.done === p.total);
    };
  }

  private embedStart = Date.now();

  /**
   * One line after embedding: how many documents, how many were not computed (found in the
   * cache, or repeating an earlier text of the input), how fast the rest were computed.
   */
  embedded(label: string, total: number, fromCache: number, seconds = (Date.now() - this.embedStart) / 1000): void {
    const computed = total - fromCache;
    if (computed === 0) this.log(`${label}: ${plural(total, 'document')} (all from the cache)`);
    else {
      const speed = `${seconds.toFixed(1)} s, ${(computed / Math.max(seconds, 1e-9)).toFixed(0)} docs/s`;
      this.log(`${label}: ${plural(total, 'document')} (${computed.toLocaleString('en-US')} computed in ${speed}${fromCache ? `; ${fromCache.toLocaleString('en-US')} from the cache or repeated` : ''})`);
    }
  }

  /** A callback for the trainer's onEvent. */
  training(label: string): (e: TrainEvent) => void {
    let epochs = 0;
    let batches = 0;
    let documents = 0;
    let epochStart = Date.now();
    const t0 = Date.now();
    let lastLoss = NaN;
    return (e) => {
      this.options.listener?.({ type: 'training', label, event: e });
      if (e.type === 'start') {
        epochs = e.epochs;
        batches = e.batches;
        documents = e.documents;
        epochStart = Date.now();
      } else if (e.type === 'batch') {
        const dt = (Date.now() - epochStart) / 1000;
        const done = (e.epoch - 1) * batches + e.batch;
        const elapsed = (Date.now() - t0) / 1000;
        const eta = (elapsed / done) * (epochs * batches - done);
        const rate = (e.batch / batches) * documents / Math.max(dt, 1e-9);
        this.draw(`${label} epoch ${e.epoch}/${epochs} ${this.bar(done / (epochs * batches))} loss ${Number.isFinite(lastLoss) ? lastLoss.toFixed(2) : e.loss.toFixed(2)}  ${rate.toFixed(0)} docs/s  ETA ${fmtTime(eta)}`);
      } else if (e.type === 'epoch') {
        lastLoss = e.loss;
        epochStart = Date.now();
        if (!this.tty && !this.options.quiet) {
          this.stream.write(
            `${label} epoch ${e.epoch}/${e.epochs} loss ${e.loss.toFixed(4)}${e.valLoss !== undefined ? ` val ${e.valLoss.toFixed(4)}` : ''} ${e.docsPerSecond.toFixed(0)} docs/s rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB\n`,
          );
        }
        if (e.epoch === e.epochs) this.log(`${label}: ${plural(e.epochs, 'epoch')}, final loss ${e.loss.toFixed(4)}, ${fmtTime((Date.now() - t0) / 1000)}`);
      } else if (e.type === 'early-stop') {
        this.log(`${label}: early stop at epoch ${e.epoch} (best validation loss at epoch ${e.bestEpoch})`);
      } else if (e.type === 'checkpoint') {
        this.log(`${label}: checkpoint after epoch ${e.epoch}`);
      }
    };
  }
}
