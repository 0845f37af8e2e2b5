import { DataError } from '../errors.js';
import { sha256Hex } from './sha256.js';

/**
 * JSON with object keys sorted at every level and no white space: the same value always
 * gives the same text, whatever order or spacing a file was written with.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new DataError(`canonicalJson: ${value} has no JSON form; a manifest holds finite numbers only`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** SHA-256 of a value's canonical JSON, with `field` left out (the field that will hold the digest). */
export async function canonicalDigest(value: Record<string, unknown>, field: string): Promise<string> {
  const rest = Object.fromEntries(Object.entries(value).filter(([k]) => k !== field));
  return sha256Hex(new TextEncoder().encode(canonicalJson(rest)));
}
