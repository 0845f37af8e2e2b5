/** The passwords in Redis URLs among `texts` (as written and percent-decoded). */
export function redisPasswords(texts: readonly string[]): string[] {
  const out = new Set<string>();
  for (const t of texts) {
    for (const m of t.matchAll(/rediss?:\/\/[^:@/\s]*:([^@/\s]+)@/g)) {
      out.add(m[1]);
      try {
        out.add(decodeURIComponent(m[1]));
      } catch {
        /* not percent-encoded */
      }
    }
  }
  return [...out].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

/** Replaces the Redis passwords found in `texts` by *** in everything written to stdout and stderr. */
export function redactSecrets(texts: readonly string[]): void {
  const secrets = redisPasswords(texts);
  if (secrets.length === 0) return;
  const redact = (s: string) => secrets.reduce((acc, p) => acc.split(p).join('***'), s);
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      write(typeof chunk === 'string' ? redact(chunk) : chunk instanceof Uint8Array ? redact(Buffer.from(chunk).toString('utf8')) : chunk, ...rest)) as typeof stream.write;
  }
}
