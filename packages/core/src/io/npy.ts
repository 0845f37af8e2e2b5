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

/** Bytes to read from the start of a file for `npyHeaderLength` (magic, version, length). */
export const NPY_PREAMBLE_BYTES = 12;

/** The full header length (preamble included) from a file's first NPY_PREAMBLE_BYTES bytes. */
export function npyHeaderLength(preamble: Uint8Array, where = 'npy'): number {
  if (preamble.length < 10 || MAGIC.some((b, i) => preamble[i] !== b)) throw new DataError(`${where} is not a NumPy .npy file (bad magic)`);
  const dv = new DataView(preamble.buffer, preamble.byteOffset, preamble.byteLength);
  return preamble[6] === 1 ? 10 + dv.getUint16(8, true) : 12 + dv.getUint32(8, true);
}

/** Parses the header of a 2-D, C-order .npy (any dtype; callers check `descr`). */
export function parseNpyHeader(bytes: Uint8Array, where = 'npy'): NpyHeader {
  const dataStart = npyHeaderLength(bytes, where);
  const start = bytes[6] === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, dataStart));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !shape) throw new DataError(`${where}: unreadable .npy header`);
  if (fortran === 'True') throw new DataError(`${where}: Fortran-order arrays are not supported; save with np.ascontiguousarray`);
  const dims = shape.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (dims.length !== 2) throw new DataError(`${where}: expected a 2-D array (documents × dimensions), got shape (${shape})`);
  return { descr, rows: dims[0], cols: dims[1], dataStart };
}

/** Decodes a 2-D float32 (or float64, converted) .npy file. */
export function decodeNpy(bytes: Uint8Array, where = 'npy'): Float32Matrix {
  const { descr, rows, cols, dataStart } = parseNpyHeader(bytes, where);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = rows * cols;
  const data = new Float32Array(count);
  if (descr === '<f4') {
    if (bytes.length - dataStart < count * 4) throw new DataError(`${where}: truncated (${bytes.length - dataStart} data bytes for ${rows}×${cols} float32)`);
    for (let i = 0; i < count; i++) data[i] = dv.getFloat32(dataStart + i * 4, true);
  } else if (descr === '<f8') {
    if (bytes.length - dataStart < count * 8) throw new DataError(`${where}: truncated`);
    for (let i = 0; i < count; i++) data[i] = dv.getFloat64(dataStart + i * 8, true);
  } else throw new DataError(`${where}: dtype ${descr} is not supported; save float32 ('<f4')`);
  return { rows, cols, data };
}
