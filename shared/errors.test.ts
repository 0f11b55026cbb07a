import { describe, expect, it } from 'vitest';
import { RelaxCertError, fromErrorInfo, fromSystemError, toErrorInfo } from './errors.ts';

describe('RelaxCertError', () => {
  it('round-trips through its serialised form', () => {
    const e = new RelaxCertError('DATA_FORMAT', 'a.nnet line 7: expected 5 numbers', {
      file: 'a.nnet',
      line: 7,
    });
    const back = fromErrorInfo(JSON.parse(JSON.stringify(e)));
    expect(back).toBeInstanceOf(RelaxCertError);
    expect(back.code).toBe('DATA_FORMAT');
    expect(back.line).toBe(7);
    expect(back.message).toBe(e.message);
  });

  it('turns foreign errors into INTERNAL', () => {
    expect(toErrorInfo(new TypeError('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
    expect(toErrorInfo('str')).toEqual({ code: 'INTERNAL', message: 'str' });
  });
});

describe('fromSystemError (the one mapping of file-system errors)', () => {
  // The shapes Node gives a failed system call; the real ones are exercised end to end by the
  // CLI tests (main/cli/user-errors.test.ts).
  const sys = (code: string, syscall: string, path?: string) =>
    Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path, errno: -1 });

  it('names the path, keeps the OS code and picks the error code', () => {
    const cases: Array<[string, string, string]> = [
      ['ENOENT', 'open', 'NOT_FOUND'],
      ['EISDIR', 'open', 'INVALID_INPUT'],
      ['ENOTDIR', 'scandir', 'INVALID_INPUT'],
      ['EEXIST', 'mkdir', 'CONFLICT'],
      ['EACCES', 'open', 'PERMISSION_DENIED'],
      ['EROFS', 'mkdir', 'PERMISSION_DENIED'],
      ['ENOSPC', 'write', 'NO_SPACE'],
      ['EIO', 'read', 'FILE_SYSTEM'],
    ];
    for (const [errno, syscall, code] of cases) {
      const info = toErrorInfo(sys(errno, syscall, '/data/x.csv'));
      expect(info, errno).toMatchObject({ code, errno, file: '/data/x.csv' });
      expect(info.message, errno).toContain('/data/x.csv');
      expect(info.message, errno).toContain(`(${errno})`);
    }
    expect(fromSystemError(sys('ENOSPC', 'write', '/h/runs/a/x.tmp'))?.message).toBe(
      'cannot write /h/runs/a/x.tmp: no space left on the device (ENOSPC)',
    );
    expect(fromSystemError(sys('EACCES', 'mkdir', '/ro/runs'), 'create')?.message).toBe(
      'cannot create /ro/runs: permission denied (EACCES)',
    );
  });

  it('leaves bugs alone: unknown codes, non-system errors, RelaxCertErrors', () => {
    expect(fromSystemError(sys('EWHATEVER', 'open', '/x'))).toBeUndefined();
    expect(fromSystemError(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBe(
      undefined,
    );
    expect(fromSystemError(new RelaxCertError('NOT_FOUND', 'x'))).toBeUndefined();
    expect(toErrorInfo(sys('EWHATEVER', 'open', '/x')).code).toBe('INTERNAL');
    // Serialised and rebuilt, the OS code survives the transport.
    const back = fromErrorInfo(toErrorInfo(sys('ENOSPC', 'write', '/f')));
    expect(back.errno).toBe('ENOSPC');
    expect(back.code).toBe('NO_SPACE');
  });
});
