/**
 * A native kernel that cannot get its working memory throws a JavaScript error and leaves the
 * process running (before, std::bad_alloc went through N-API and aborted the process). A
 * child process gets its address space capped (prlimit, Linux) once its inputs exist, so the
 * product's 68 MB packing buffer cannot be had.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { findAddon } from './load.ts';
import { kernelsUnderTest } from '../testing/native-required.ts';

const built = kernelsUnderTest('native out-of-memory test').kernels !== undefined;
const hasPrlimit = process.platform === 'linux' && spawnSync('prlimit', ['--version']).status === 0;
if (built && !hasPrlimit) {
  console.warn('SKIPPED native out-of-memory test: no prlimit (util-linux, Linux only)');
}

// 256 × 256 × 65,536 on two threads: the columns are split, so op(A) (256 × 65,536 floats,
// 67.6 MB with its padding) is packed once into one buffer.
const CHILD = `
const fs = require('node:fs');
const k = require(process.env.RELAXCERT_TEST_ADDON);
k.setThreads(2);
const m = 256, n = 256, kk = 65536;
const a = new Float32Array(m * kk).fill(1);
const b = new Float32Array(kk * n).fill(1);
const c = new Float32Array(m * n);
const vmKiB = Number(fs.readFileSync('/proc/self/status', 'utf8').match(/VmSize:\\s+(\\d+)/)[1]);
process.stdout.write('ready ' + vmKiB + '\\n');
process.stdin.once('data', () => {
  try {
    k.sgemm(false, false, m, n, kk, a, b, c, null, false);
    console.log('result ' + c[0]);
  } catch (e) {
    console.log('error ' + e.code + ': ' + e.message);
  }
  k.sgemm(false, false, 4, 4, 4, a, b, c, null, false);
  console.log('afterwards ' + c[0]);
  process.exit(0);
});
`;

describe.skipIf(!built || !hasPrlimit)('native kernels out of memory', () => {
  it('throw a JavaScript error, and the process goes on', async () => {
    const child = spawn(process.execPath, ['-e', CHILD], {
      env: { ...process.env, RELAXCERT_TEST_ADDON: findAddon() },
    });
    let out = '';
    const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /ready (\d+)/.exec(out);
      if (ready !== null && child.stdin.writable && !out.includes('capped')) {
        out += 'capped\n';
        // 40 MB more address space than the child holds now: less than the buffer needs.
        const limit = (Number(ready[1]) + 40 * 1024) * 1024;
        const capped = spawnSync('prlimit', ['--pid', String(child.pid), `--as=${limit}`]);
        expect(capped.status).toBe(0);
        child.stdin.write('go\n');
      }
    });
    const { code, signal } = await exit;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(out).toContain(
      'error RELAXCERT_NATIVE_MEMORY: native kernels: out of memory for their working buffers',
    );
    // 4 × 4 × 4 ones: the kernels still work after the failure.
    expect(out).toContain('afterwards 4');
  }, 60_000);
});
