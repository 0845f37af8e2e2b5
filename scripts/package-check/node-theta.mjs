// θ of the same text with the same exported model, in Node (the reference for the browser's).
import { createTopicKD } from 'topickd';
const tkd = await createTopicKD({ backend: 'wasm', cacheDir: 'cache' });
const model = await tkd.load(process.argv[2]);
const [theta] = await model.transform(['recurrent neural network language model for speech recognition']);
console.log(JSON.stringify(theta));
