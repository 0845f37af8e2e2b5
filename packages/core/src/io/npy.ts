import { DataError } from '../errors.js';
import type { Float32Matrix } from '../util/matrix.js';

/**
 * NumPy `.npy` files holding a 2-D matrix (documents × dimensions): the one reader and
 * writer of the format, used by the precomputed encoder, `topickd embed` and the
 * streamed embedding rows of @topickd/core/node.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** The header of a version-1.0 little-endian float32 C-order .npy of `rows` × `cols` (its length is a multiple of 64). */
export function encodeNpyHeader(rows: number, cols: number): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const pre = 10;
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  header = header.padEnd(total - pre - 1, ' ') + '\n';
  const out = new Uint8Array(total);
  out.set([...MAGIC, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  return out;
}

/** Encodes a float32 matrix as a NumPy .npy (version 1.0, little-endian '<f4', C order). */
export function encodeNpy(m: Float32Matrix): Uint8Array {
  const header = encodeNpyHeader(m.rows, m.cols);
  const out = new Uint8Array(header.length + m.data.byteLength);
  out.set(header);
  const view = new DataView(out.buffer, header.length);
  m.data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

export interface NpyHeader {
  /** The dtype, e.g. '<f4'. */
  descr: string;
  rows: number;
  cols: number;
  /** Byte offset of the data. */
  dataStart: number;
}

/** The longest header read (numpy's own are a few hundred bytes). */
const NPY_MAX_HEADER_BYTES = 1 << 20;

/** Bytes to read from the start of a file for `npyHeaderLength` (magic, version, length). */
export const NPY_PREAMBLE_BYTES = 12;

/** The full header length (preamble included) from a file's first NPY_PREAMBLE_BYTES bytes. */
export function npyHeaderLength(preamble: Uint8Array, where = 'npy'): number {
  if (preamble.length < 10 || MAGIC.some((b, i) => preamble[i] !== b)) throw new DataError(`${where} is not a NumPy .npy file (bad magic)`);
  const version = preamble[6];
  if (version !== 1 && version !== 2 && version !== 3) throw new DataError(`${where}: .npy format version ${version}.${preamble[7]} is not one numpy writes (1.0, 2.0, 3.0)`);
  if (version > 1 && preamble.length < 12) throw new DataError(`${where}: the .npy file ends inside its header`);
  const dv = new DataView(preamble.buffer, preamble.byteOffset, preamble.byteLength);
  const length = version === 1 ? 10 + dv.getUint16(8, true) : 12 + dv.getUint32(8, true);
  if (length > NPY_MAX_HEADER_BYTES) throw new DataError(`${where}: the .npy header claims ${length} bytes; headers numpy writes are far shorter (at most ${NPY_MAX_HEADER_BYTES} read)`);
  return length;
}

type PyValue = string | boolean | number[] | null;

/**
 * Reads the header's Python dict literal, as numpy's `ast.literal_eval` would for what a
 * .npy header may hold: quoted strings, True/False/None, tuples of integers. Anything else,
 * and a key given twice (numpy would keep the last; TopicKD refuses to guess), is an error.
 */
function parsePyDict(text: string, where: string): Map<string, PyValue> {
  let i = 0;
  const fail = (what: string): never => {
    throw new DataError(`${where}: unreadable .npy header (${what} at character ${i}): ${JSON.stringify(text.slice(0, 120))}`);
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const expect = (c: string) => {
    ws();
    if (text[i] !== c) fail(`expected "${c}"`);
    i++;
  };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') fail('expected a quoted string');
    const end = text.indexOf(q, i + 1);
    if (end < 0 || text.slice(i + 1, end).includes('\\')) fail('unterminated or escaped string');
    const v = text.slice(i + 1, end);
    i = end + 1;
    return v;
  };
  const int = (): number => {
    ws();
    const m = /^[+-]?\d+L?/.exec(text.slice(i, i + 40));
    if (!m) fail('expected an integer');
    i += m![0].length;
    const n = Number(m![0].replace(/L$/, ''));
    if (!Number.isSafeInteger(n) || n < 0) fail(`dimension ${m![0]} is not a non-negative integer`);
    return n;
  };
  const value = (): PyValue => {
    ws();
    if (text[i] === "'" || text[i] === '"') return str();
    for (const [word, v] of [['True', true], ['False', false], ['None', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    if (text[i] === '(') {
      i++;
      const dims: number[] = [];
      ws();
      while (text[i] !== ')') {
        dims.push(int());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ')') fail('expected "," or ")" in the shape');
        ws();
        if (dims.length > 32) fail('more than 32 dimensions');
      }
      i++;
      return dims;
    }
    return fail('expected a string, True, False, None or a tuple');
  };
  const out = new Map<string, PyValue>();
  expect('{');
  ws();
  while (text[i] !== '}') {
    const key = str();
    expect(':');
    if (out.has(key)) fail(`the key '${key}' is given twice`);
    out.set(key, value());
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail('expected "," or "}"');
    ws();
  }
  i++;
  ws();
  if (i !== text.length) fail('text after the dict');
  return out;
}

/** Parses the header of a 2-D, C-order .npy (any dtype; callers check `descr`). */
export function parseNpyHeader(bytes: Uint8Array, where = 'npy'): NpyHeader {
  const dataStart = npyHeaderLength(bytes, where);
  if (dataStart > bytes.length) throw new DataError(`${where}: the .npy header says it is ${dataStart} bytes long, the file has ${bytes.length}`);
  const start = bytes[6] === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, dataStart));
  const dict = parsePyDict(header, where);
  for (const k of dict.keys()) if (!['descr', 'fortran_order', 'shape'].includes(k)) throw new DataError(`${where}: unexpected key '${k}' in the .npy header (numpy writes descr, fortran_order, shape)`);
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') throw new DataError(`${where}: the .npy header has no 'descr' string`);
  if (typeof fortran !== 'boolean') throw new DataError(`${where}: the .npy header has no 'fortran_order' True/False`);
  if (!Array.isArray(shape)) throw new DataError(`${where}: the .npy header has no 'shape' tuple`);
  if (fortran) throw new DataError(`${where}: Fortran-order arrays are not supported; save with np.ascontiguousarray`);
  if (shape.length !== 2) throw new DataError(`${where}: expected a 2-D array (documents × dimensions), got shape (${shape.join(', ')})`);
  return { descr, rows: shape[0], cols: shape[1], dataStart };
}

/** Bytes per value of the dtypes TopicKD reads. */
const DTYPE_BYTES: Record<string, number> = { '<f4': 4, '<f8': 8 };

/** Decodes a 2-D float32 (or float64, converted) .npy file. */
export function decodeNpy(bytes: Uint8Array, where = 'npy'): Float32Matrix {
  const { descr, rows, cols, dataStart } = parseNpyHeader(bytes, where);
  const width = DTYPE_BYTES[descr];
  if (!width) throw new DataError(`${where}: dtype ${descr} is not supported; save float32 ('<f4')`);
  const count = rows * cols;
  // checked before anything is allocated: a header cannot ask for more than the file holds
  if (!Number.isSafeInteger(count) || bytes.length - dataStart < count * width) {
    throw new DataError(`${where}: truncated (${bytes.length - dataStart} data bytes for ${rows}×${cols} ${descr === '<f4' ? 'float32' : 'float64'})`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Float32Array(count);
  if (descr === '<f4') for (let i = 0; i < count; i++) data[i] = dv.getFloat32(dataStart + i * 4, true);
  else for (let i = 0; i < count; i++) data[i] = dv.getFloat64(dataStart + i * 8, true);
  return { rows, cols, data };
}
