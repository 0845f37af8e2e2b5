// The .npy reader and writer live in @topickd/core (its streamed embedding rows read the format too).
export { encodeNpy, decodeNpy } from '@topickd/core';
