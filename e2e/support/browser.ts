/**
 * A Chromium for the browser tests, driven by playwright-core with a fresh profile each launch
 * (playwright takes the profile folder as launchPersistentContext's argument instead of
 * --user-data-dir). Looked up in this order, the first that starts wins:
 *   1. RELAXCERT_CHROMIUM, a path to a Chromium or Chrome binary;
 *   2. a system Chromium or Chrome (Debian's /usr/bin/chromium, …);
 *   3. the Chromium shipped inside the @sparticuz/chromium npm package (a devDependency, so
 *      `npm install` alone provides a browser on a machine without one).
 * When none starts, the caller skips with the one line `reason` gives.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where system packages put Chromium or Chrome, most likely first. */
export const SYSTEM_CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** No first-run chatter and nothing fetched, whichever Chromium runs. */
const QUIET_FLAGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Flags for a desktop Chromium. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', ...QUIET_FLAGS];

/**
 * @sparticuz/chromium's own flags turn off web security for its serverless users; the tests
 * check the app under the browser's normal rules, so those are dropped.
 */
const UNSAFE_FLAGS = ['--disable-web-security', '--allow-running-insecure-content'];

export interface ChromiumCandidate {
  /** Where it came from, e.g. "RELAXCERT_CHROMIUM", "system", "@sparticuz/chromium". */
  source: string;
  executablePath: string;
  args: string[];
}

export interface LookupOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * System paths to try. Default: RELAXCERT_CHROMIUM_SYSTEM_PATHS (':'-separated; set it to a
   * missing path to run the suite as on a machine without a system browser), else the list above.
   */
  systemPaths?: readonly string[];
  /** Whether to try the npm-shipped Chromium. */
  packaged?: boolean;
  /**
   * Lets a test inject a checker script (axe-core) into pages whose CSP forbids scripts that
   * are not the app's own.
   */
  bypassCSP?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `unpack` while holding a lock folder in the temporary folder. @sparticuz/chromium unpacks
 * its binary straight to <tmp>/chromium and takes an existing file as done, so two test files
 * starting at once could launch a half-written binary; with the lock the second one waits.
 */
async function underUnpackLock<T>(unpack: () => Promise<T>): Promise<T> {
  const lock = join(tmpdir(), 'relaxcert-chromium-unpack.lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock older than the deadline was left by a process that died while unpacking.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 180_000) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error('another process is still unpacking it');
      else await sleep(250);
    }
  }
  try {
    return await unpack();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function packagedChromium(): Promise<ChromiumCandidate> {
  const name = '@sparticuz/chromium';
  const mod = (await import(name)) as {
    default: { executablePath(): Promise<string>; args: string[] };
  };
  // Unpacks the brotli-compressed binary into the temporary folder once, then reuses it.
  const executablePath = await underUnpackLock(() => mod.default.executablePath());
  const args = mod.default.args.filter((a) => !UNSAFE_FLAGS.includes(a));
  return { source: name, executablePath, args: [...args, ...QUIET_FLAGS] };
}

/** Candidates in lookup order, with why each one that could not be tried was passed over. */
async function candidates(options: LookupOptions): Promise<{
  found: ChromiumCandidate[];
  passed: string[];
}> {
  const env = options.env ?? process.env;
  const found: ChromiumCandidate[] = [];
  const passed: string[] = [];
  const fromEnv = env.RELAXCERT_CHROMIUM;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (existsSync(fromEnv))
      found.push({ source: 'RELAXCERT_CHROMIUM', executablePath: fromEnv, args: CHROMIUM_FLAGS });
    else passed.push(`RELAXCERT_CHROMIUM=${fromEnv} does not exist`);
  }
  const fromList = env.RELAXCERT_CHROMIUM_SYSTEM_PATHS?.split(':').filter((p) => p !== '');
  const paths = options.systemPaths ?? fromList ?? SYSTEM_CHROMIUM_PATHS;
  const system = paths.filter((p) => existsSync(p));
  if (system.length === 0) passed.push('no system Chromium or Chrome');
  for (const p of system) found.push({ source: 'system', executablePath: p, args: CHROMIUM_FLAGS });
  if (options.packaged !== false) {
    try {
      found.push(await packagedChromium());
    } catch (e) {
      passed.push(`@sparticuz/chromium unavailable (${(e as Error).message.split('\n')[0]})`);
    }
  }
  return { found, passed };
}

export interface LaunchedChromium {
  context: BrowserContext;
  candidate: ChromiumCandidate;
  close(): Promise<void>;
}

async function launch(candidate: ChromiumCandidate, bypassCSP: boolean): Promise<LaunchedChromium> {
  const profile = await mkdtemp(join(tmpdir(), 'relaxcert-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: candidate.executablePath,
      headless: true,
      args: candidate.args,
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 1,
      bypassCSP,
    });
    return {
      context,
      candidate,
      async close() {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(profile, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Starts the first candidate that launches. Returns `{ reason }` (one line) when none does, so
 * the caller can skip saying why.
 */
export async function launchChromium(
  options: LookupOptions = {},
): Promise<LaunchedChromium | { reason: string }> {
  const { found, passed } = await candidates(options);
  const failures = [...passed];
  for (const candidate of found) {
    try {
      return await launch(candidate, options.bypassCSP ?? false);
    } catch (e) {
      const first = (e as Error).message.split('\n')[0];
      failures.push(`${candidate.source} ${candidate.executablePath} did not start (${first})`);
    }
  }
  return { reason: `no Chromium could start: ${failures.join('; ')}` };
}
