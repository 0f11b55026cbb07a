/**
 * The one error family of RelaxCert. Every error a user can cause carries a stable `code` and a
 * message that names the file, line or field at fault; the renderer shows `message`, the CLI
 * prints it and exits non-zero, and transports serialise it with `toErrorInfo`.
 */
export type ErrorCode =
  | 'INVALID_CONFIG' // a config field is wrong; `field` names it
  | 'INVALID_INPUT' // numbers or arguments that cannot be used (NaN logits, bad K, ...)
  | 'INVALID_AFFINITY' // affinity sets that do not parse or validate
  | 'INVALID_SCHEDULE' // a schedule string that does not parse
  | 'DATA_FORMAT' // a data file is malformed; `file` (and `line` or `offset`) name where
  | 'NOT_FOUND' // a run, file, dataset or preset does not exist
  | 'BACKEND_UNAVAILABLE' // a forced tfjs backend cannot load
  | 'CANCELLED' // a job was cancelled by the user
  | 'CONFLICT' // the request cannot be done in the current state (e.g. run already running)
  | 'UNAUTHORIZED' // transport security (missing token, foreign origin)
  | 'INTERNAL'; // a bug: anything else

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  field?: string;
  file?: string;
  line?: number;
}

export class RelaxCertError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly file?: string;
  readonly line?: number;

  constructor(code: ErrorCode, message: string, where: Omit<ErrorInfo, 'code' | 'message'> = {}) {
    super(message);
    this.name = 'RelaxCertError';
    this.code = code;
    this.field = where.field;
    this.file = where.file;
    this.line = where.line;
  }

  toJSON(): ErrorInfo {
    return toErrorInfo(this);
  }
}

/** Serialisable form of any thrown value; unknown errors become INTERNAL. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof RelaxCertError) {
    const info: ErrorInfo = { code: error.code, message: error.message };
    if (error.field !== undefined) info.field = error.field;
    if (error.file !== undefined) info.file = error.file;
    if (error.line !== undefined) info.line = error.line;
    return info;
  }
  if (error instanceof Error) return { code: 'INTERNAL', message: error.message };
  return { code: 'INTERNAL', message: String(error) };
}

/** Rebuilds an error received over a transport. */
export function fromErrorInfo(info: ErrorInfo): RelaxCertError {
  const { code, message, ...where } = info;
  return new RelaxCertError(code, message, where);
}
