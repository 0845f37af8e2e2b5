import { tf } from '@topickd/core';
import { WasmBackend } from '@topickd/backend-wasm';
const a1 = await new WasmBackend().activate();
const a2 = await new WasmBackend({ threads: 2 }).activate();
const shapes = [[64,512,2000,false,false],[512,64,2000,true,false],[64,2000,512,false,true],[2000,64,512,true,false],[64,2000,512,false,false],[64, 512,100,false,false]];
const med = (xs) => xs.sort((x,y)=>x-y)[xs.length>>1];
for (const [M,K,N,ta,tb] of shapes) {
  const a = tf.randomNormal(ta ? [K,M] : [M,K], 0, 1, 'float32', 1);
  const b = tf.randomNormal(tb ? [N,K] : [K,N], 0, 1, 'float32', 2);
  const t = {[a1.tfjsBackend]: [], [a2.tfjsBackend]: []};
  for (let r=0;r<40;r++) for (const be of [a1.tfjsBackend, a2.tfjsBackend]) { tf.setBackend(be); const t0=performance.now(); tf.matMul(a,b,ta,tb).dispose(); t[be].push(performance.now()-t0); }
  const m1 = med(t[a1.tfjsBackend]), m2 = med(t[a2.tfjsBackend]);
  console.log(`${M}x${K}x${N} ${ta?'T':'N'}${tb?'T':'N'}  1 thread ${m1.toFixed(2)} ms (${(2*M*N*K/m1/1e6).toFixed(1)} GFLOP/s)  2 threads ${m2.toFixed(2)} ms  ${(m1/m2).toFixed(2)}x`);
}
