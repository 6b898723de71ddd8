/** Stable codes for the ways a face analysis can fail; callers branch on `code`, never on the message. */
export type BiometricsErrorCode =
  /** Not an image sharp can decode (truncated, corrupt, PDF, text...). */
  | 'IMAGE_UNREADABLE'
  /** Decodable, but larger than the configured pixel limit. */
  | 'IMAGE_TOO_LARGE'
  /** An embedding of the wrong length or with non-finite values. */
  | 'INVALID_EMBEDDING'
  /** A model failed to load or run. */
  | 'MODEL_ERROR';

export class BiometricsError extends Error {
  readonly code: BiometricsErrorCode;
  constructor(code: BiometricsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BiometricsError';
    this.code = code;
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: BiometricsError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(code: BiometricsErrorCode, message: string): Result<T> {
  return { ok: false, error: new BiometricsError(code, message) };
}
