// The backend conformance suite in a browser page: @topickd/core's runBackendConformance on
// the WebGPU backend, with a small describe/it/expect of its own. Bundled by the test
// (webgpu-conformance.test.ts) with esbuild; results on window.conformance and in a table.
import { runBackendConformance, type TestApi } from '@topickd/core/plugin';
import { WebGpuBackend } from '../../src/index.js';

export interface CaseResult {
  name: string;
  ok: boolean;
  skipped?: boolean;
  error?: string;
  ms: number;
}
export interface ConformanceReport {
  done: boolean;
  adapter: boolean;
  reason?: string;
  detail?: string;
  canTrain?: boolean;
  results: CaseResult[];
}

declare global {
  interface Window {
    conformance: ConformanceReport;
  }
}

const report: ConformanceReport = { done: false, adapter: false, results: [] };
window.conformance = report;

const cases: Array<{ name: string; fn?: () => unknown; skip?: boolean }> = [];
const prefix: string[] = [];

function fail(message: string): never {
  throw new Error(message);
}

const api: TestApi = {
  describe(name, fn) {
    prefix.push(name);
    try {
      fn();
    } finally {
      prefix.pop();
    }
  },
  it: Object.assign((name: string, fn: () => unknown) => void cases.push({ name: [...prefix, name].join(' > '), fn }), {
    skip: (name: string) => void cases.push({ name: [...prefix, name].join(' > '), skip: true }),
  }),
  expect: (v: unknown) => ({
    toBe: (x: unknown) => void (Object.is(v, x) || fail(`expected ${JSON.stringify(x)}, got ${JSON.stringify(v)}`)),
    toBeLessThan: (x: number) => void ((v as number) < x || fail(`expected ${String(v)} < ${x}`)),
    toEqual: (x: unknown) => void (JSON.stringify(v) === JSON.stringify(x) || fail(`expected ${JSON.stringify(x)}, got ${JSON.stringify(v)}`)),
  }),
};

function render(): void {
  const rows = report.results.map((r) => `<tr class="${r.ok ? 'ok' : 'bad'}"><td>${r.ok ? (r.skipped ? 'skipped' : 'passed') : 'FAILED'}</td><td>${r.name}</td><td>${r.ms.toFixed(0)} ms</td><td>${r.error ?? ''}</td></tr>`);
  document.body.innerHTML = `<h1>TopicKD backend conformance: WebGPU</h1><p id="status">${report.done ? `${report.results.filter((r) => r.ok && !r.skipped).length} passed, ${report.results.filter((r) => r.skipped).length} skipped, ${report.results.filter((r) => !r.ok).length} failed` : 'running'}${report.detail ? ` — ${report.detail}` : ''}${report.reason ? ` — ${report.reason}` : ''}</p><table>${rows.join('')}</table>`;
}

async function main(): Promise<void> {
  const backend = new WebGpuBackend();
  const probe = await backend.probe();
  report.adapter = probe.available;
  report.reason = probe.reason;
  if (probe.available) {
    const active = await backend.activate();
    report.detail = active.detail;
    report.canTrain = active.canTrain;
    runBackendConformance(api, backend, active.canTrain ? {} : { trainingSkipReason: 'the backend cannot train here (synchronous GPU reads)' });
    for (const c of cases) {
      const t0 = performance.now();
      if (c.skip) {
        report.results.push({ name: c.name, ok: true, skipped: true, ms: 0 });
        continue;
      }
      try {
        await c.fn!();
        report.results.push({ name: c.name, ok: true, ms: performance.now() - t0 });
      } catch (e) {
        report.results.push({ name: c.name, ok: false, error: (e as Error).message, ms: performance.now() - t0 });
      }
      render();
    }
  }
  report.done = true;
  render();
}

main().catch((e) => {
  report.results.push({ name: 'page', ok: false, error: (e as Error).stack ?? String(e), ms: 0 });
  report.done = true;
  render();
});
