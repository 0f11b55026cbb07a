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
  | 'PERMISSION_DENIED' // the file system refused access (EACCES, EPERM, EROFS); `file` names it
  | 'NO_SPACE' // the disk or quota is full (ENOSPC, EDQUOT); `file` names what was written
  | 'FILE_SYSTEM' // any other file-system error on a named file (EIO, EMFILE, ...)
  | 'INTERNAL'; // a bug: anything else

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  field?: string;
  file?: string;
  line?: number;
  /** The operating system's error name (ENOENT, ENOSPC, ...) when the file system refused. */
  errno?: string;
}

export class RelaxCertError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly file?: string;
  readonly line?: number;
  readonly errno?: string;

  constructor(code: ErrorCode, message: string, where: Omit<ErrorInfo, 'code' | 'message'> = {}) {
    super(message);
    this.name = 'RelaxCertError';
    this.code = code;
    this.field = where.field;
    this.file = where.file;
    this.line = where.line;
    this.errno = where.errno;
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
    if (error.errno !== undefined) info.errno = error.errno;
    return info;
  }
  const system = fromSystemError(error);
  if (system !== undefined) return toErrorInfo(system);
  if (error instanceof Error) return { code: 'INTERNAL', message: error.message };
  return { code: 'INTERNAL', message: String(error) };
}

/** Rebuilds an error received over a transport. */
export function fromErrorInfo(info: ErrorInfo): RelaxCertError {
  const { code, message, ...where } = info;
  return new RelaxCertError(code, message, where);
}

/** The fields Node puts on a failed system call (fs, net); read by shape, shared/ has no Node. */
interface SystemErrorLike {
  code: string;
  syscall?: string;
  path?: string;
  dest?: string;
  port?: number;
}

function isSystemError(error: unknown): error is SystemErrorLike {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as Record<string, unknown>;
  return typeof e.code === 'string' && /^E[A-Z0-9]+$/.test(e.code) && typeof e.syscall === 'string';
}

/** What each file-system error means to a user, and the error code it maps to. */
const SYSTEM_ERRORS: Record<string, [ErrorCode, string]> = {
  ENOENT: ['NOT_FOUND', 'no such file or folder'],
  ENOTDIR: ['INVALID_INPUT', 'a part of the path is not a folder'],
  EISDIR: ['INVALID_INPUT', 'is a folder, not a file'],
  EEXIST: ['CONFLICT', 'already exists'],
  ENOTEMPTY: ['CONFLICT', 'the folder is not empty'],
  EBUSY: ['CONFLICT', 'is busy'],
  ETXTBSY: ['CONFLICT', 'is busy'],
  ELOOP: ['INVALID_INPUT', 'too many symbolic links'],
  ENAMETOOLONG: ['INVALID_INPUT', 'the name is too long'],
  EXDEV: ['INVALID_INPUT', 'cannot move across file systems'],
  ENXIO: ['INVALID_INPUT', 'no such device'],
  ENODEV: ['INVALID_INPUT', 'no such device'],
  EINVAL: ['INVALID_INPUT', 'invalid argument'],
  EACCES: ['PERMISSION_DENIED', 'permission denied'],
  EPERM: ['PERMISSION_DENIED', 'operation not permitted'],
  EROFS: ['PERMISSION_DENIED', 'read-only file system'],
  ENOSPC: ['NO_SPACE', 'no space left on the device'],
  EDQUOT: ['NO_SPACE', 'disk quota exceeded'],
  EFBIG: ['NO_SPACE', 'file too large'],
  EIO: ['FILE_SYSTEM', 'input/output error'],
  EMFILE: ['FILE_SYSTEM', 'too many open files'],
  ENFILE: ['FILE_SYSTEM', 'too many open files in the system'],
  EADDRINUSE: ['CONFLICT', 'the address is already in use'],
  EADDRNOTAVAIL: ['INVALID_INPUT', 'the address is not available'],
};

/**
 * The one mapping from Node's system errors (fs, net) to RelaxCertError: the path is named, the
 * OS code kept in `errno`. Undefined for anything that is not a system error, or one we do not
 * know (those stay INTERNAL: a bug to report). `action` says what was being done ("write").
 */
export function fromSystemError(error: unknown, action?: string): RelaxCertError | undefined {
  if (error instanceof RelaxCertError || !isSystemError(error)) return undefined;
  const known = SYSTEM_ERRORS[error.code];
  if (known === undefined) return undefined;
  const [code, meaning] = known;
  const syscall = error.syscall ?? '';
  const verb = action ?? (Object.hasOwn(SYSCALL_VERBS, syscall) ? SYSCALL_VERBS[syscall] : 'use');
  const where = error.path ?? (typeof error.port === 'number' ? `port ${error.port}` : '');
  const target = error.dest !== undefined ? `${where} → ${error.dest}` : where;
  const message =
    target === ''
      ? `cannot ${verb}: ${meaning} (${error.code})`
      : `cannot ${verb} ${target}: ${meaning} (${error.code})`;
  const info: Omit<ErrorInfo, 'code' | 'message'> = { errno: error.code };
  if (error.path !== undefined) info.file = error.path;
  return new RelaxCertError(code, message, info);
}

const SYSCALL_VERBS: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the folder',
  rmdir: 'remove',
  unlink: 'remove',
  rename: 'move',
  scandir: 'list',
  stat: 'read',
  lstat: 'read',
  fstat: 'read',
  copyfile: 'copy',
  fsync: 'write',
  ftruncate: 'write',
  listen: 'listen on',
};
