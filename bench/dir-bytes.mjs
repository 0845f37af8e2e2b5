import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes of every file under a folder (an exported bundle), as `du -sb` counts them less the folders. */
export const dirBytes = (dir) => readdirSync(dir).reduce((n, f) => n + (statSync(join(dir, f)).isDirectory() ? dirBytes(join(dir, f)) : statSync(join(dir, f)).size), 0);
