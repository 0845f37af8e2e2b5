import { defineConfig } from 'tsup';
import { shared } from '../../tsup.shared';

// The generated gradient bundle is ours (src/tfjs/generated), so it is bundled; tfjs-core itself stays external.
export default defineConfig({ ...shared, entry: { index: 'src/index.ts', plugin: 'src/plugin.ts', node: 'src/node/index.ts', testing: 'src/testing/index.ts' } });
