/** What the page (main.ts) puts on `window.topickd`, for scripts and its Chromium test. */
export interface PageApi {
  ready: boolean;
  /** θ of the last "Find topics" run. */
  theta?: number[];
  error?: string;
  /** Which kernels the backend runs (`backend.detail`). */
  backend?: string;
  infer(text: string): Promise<number[]>;
  /** θ of many texts, with `workers` Web Workers (0: in the page's thread). */
  inferMany?(texts: string[], workers: number): Promise<{ theta: number[][]; seconds: number }>;
  /** The last "many documents" run: θ rows, workers, seconds. */
  many?: { theta: number[][]; workers: number; seconds: number };
}
