// Builds a tiny ONNX model by hand (protobuf wire format): last_hidden_state = Gather(table, input_ids),
// so mean pooling has a closed form. Inputs: input_ids, attention_mask (int64 [batch, tokens]).

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const bytesField = (field: number, data: number[] | Uint8Array) => [...key(field, 2), ...varint(data.length), ...data];
const strField = (field: number, s: string) => bytesField(field, [...new TextEncoder().encode(s)]);
const intField = (field: number, n: number) => [...key(field, 0), ...varint(n)];

function dim(value: number | string) {
  return typeof value === 'number' ? intField(1, value) : strField(2, value);
}
function valueInfo(name: string, elemType: number, dims: (number | string)[]) {
  const shape = dims.flatMap((d) => bytesField(1, dim(d)));
  const tensorType = [...intField(1, elemType), ...bytesField(2, shape)];
  return [...strField(1, name), ...bytesField(2, bytesField(1, tensorType))];
}

export function tinyGatherModel(table: Float32Array, vocab: number, d: number): Uint8Array {
  const raw = new Uint8Array(table.buffer.slice(0));
  const initializer = [...intField(1, vocab), ...intField(1, d), ...intField(2, 1 /* FLOAT */), ...strField(8, 'table'), ...bytesField(9, raw)];
  const node = [...strField(1, 'table'), ...strField(1, 'input_ids'), ...strField(2, 'last_hidden_state'), ...strField(3, 'gather'), ...strField(4, 'Gather')];
  const graph = [
    ...bytesField(1, node),
    ...strField(2, 'tiny'),
    ...bytesField(5, initializer),
    ...bytesField(11, valueInfo('input_ids', 7 /* INT64 */, ['batch', 'tokens'])),
    ...bytesField(11, valueInfo('attention_mask', 7, ['batch', 'tokens'])),
    ...bytesField(12, valueInfo('last_hidden_state', 1, ['batch', 'tokens', d])),
  ];
  const opset = [...strField(1, ''), ...intField(2, 13)];
  return new Uint8Array([...intField(1, 7), ...strField(2, 'topickd-test'), ...bytesField(7, graph), ...bytesField(8, opset)]);
}
