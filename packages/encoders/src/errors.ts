import { DataError, EncoderUnavailableError } from '@topickd/core';

/**
 * The errors of the encoders: an encoder that cannot run here (missing model folder,
 * missing optional runtime, a model file that cannot be fetched) is an
 * EncoderUnavailableError (ENCODER_UNAVAILABLE) naming the encoder; output of the wrong
 * shape is a DataError (DIMENSION_MISMATCH).
 */
export function encoderUnavailable(encoder: string, message: string, cause?: unknown): EncoderUnavailableError {
  return new EncoderUnavailableError(encoder, message, cause);
}

export function wrongRowCount(encoder: string, rows: number, texts: number): DataError {
  return new DataError(`encoder "${encoder}" returned ${rows} rows for ${texts} texts`, 'DIMENSION_MISMATCH');
}
