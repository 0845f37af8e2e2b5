// A plain browser app: imports 'topickd' (its `browser` export condition), loads an exported
// student and computes θ for a text. Bundled with `esbuild --bundle --platform=browser`, no plugins.
import { createTopicKD } from 'topickd';

const TEXT = 'recurrent neural network language model for speech recognition';
window.result = (async () => {
  const tkd = await createTopicKD({ wasmPaths: new URL('./wasm/', location.href).href });
  const model = await tkd.load(new URL('./bundle', location.href).href);
  const [theta] = await model.transform([TEXT]);
  return { theta, kind: model.kind, topics: model.topics(5), backend: tkd.backend.tfjsBackend };
})().catch((e) => ({ error: String(e && e.stack || e) }));
