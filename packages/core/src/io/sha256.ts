import { RuntimeUnsupportedError } from '../errors.js';
/** SHA-256 hex digest via WebCrypto (Node ≥ 20 and browsers alike). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new RuntimeUnsupportedError('WebCrypto (crypto.subtle) is not available in this runtime; TopicKD needs Node ≥ 20 or a modern browser');
  const digest = await subtle.digest('SHA-256', bytes as unknown as ArrayBuffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
