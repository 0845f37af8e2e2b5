import { DataError, type Float32Matrix } from '@topickd/core';

/** Encodes a float32 matrix as a NumPy .npy (version 1.0, little-endian '<f4', C order). */
export function encodeNpy(m: Float32Matrix): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${m.rows}, ${m.cols}), }`;
  const pre = 10;
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  header = header.padEnd(total - pre - 1, ' ') + '\n';
  const out = new Uint8Array(total + m.data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  const view = new DataView(out.buffer, total);
  m.data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/** Decodes a 2-D float32 (or float64, converted) .npy file. */
export function decodeNpy(bytes: Uint8Array, where = 'npy'): Float32Matrix {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw new DataError(`${where} is not a NumPy .npy file (bad magic)`);
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !shape) throw new DataError(`${where}: unreadable .npy header`);
  if (fortran === 'True') throw new DataError(`${where}: Fortran-order arrays are not supported; save with np.ascontiguousarray`);
  const dims = shape.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (dims.length !== 2) throw new DataError(`${where}: expected a 2-D array (documents × dimensions), got shape (${shape})`);
  const [rows, cols] = dims;
  const dataStart = start + headerLen;
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
