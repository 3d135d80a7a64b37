import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOOLS, pretest } from './pretest.js';

/**
 * The pretest step on a pretend fresh machine: an empty filesystem root, a PATH holding only a
 * stand-in apt-get (so the machine's own is never run) that records what it was asked and "installs" a package by creating its
 * program under that root.
 */

let dir: string;
let root: string;
let bin: string;
let aptLog: string;
let lines: string[];

function standInAptGet(exitCode = 0): void {
  const script = `#!/bin/sh
echo "$*" >> "${aptLog}"
[ "$1" = install ] || exit ${exitCode}
for pkg in "$@"; do
  case "$pkg" in
    chromium) /bin/mkdir -p "${root}/usr/bin" && printf '#!/bin/sh\\n' > "${root}/usr/bin/chromium" && /bin/chmod +x "${root}/usr/bin/chromium" ;;
    dovecot-imapd) /bin/mkdir -p "${root}/usr/sbin" && printf '#!/bin/sh\\n' > "${root}/usr/sbin/dovecot" && /bin/chmod +x "${root}/usr/sbin/dovecot" ;;
    postgresql) /bin/mkdir -p "${root}/usr/lib/postgresql/15/bin" && for p in initdb pg_ctl; do printf '#!/bin/sh\\n' > "${root}/usr/lib/postgresql/15/bin/$p" && /bin/chmod +x "${root}/usr/lib/postgresql/15/bin/$p"; done ;;
  esac
done
exit ${exitCode}
`;
  writeFileSync(join(bin, 'apt-get'), script);
  chmodSync(join(bin, 'apt-get'), 0o755);
}

const run = (isRoot: boolean) => pretest({ root, isRoot, path: bin, log: (line) => lines.push(line) });
const aptCalls = () => (existsSync(aptLog) ? readFileSync(aptLog, 'utf8').trim().split('\n') : []);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pretest-'));
  root = join(dir, 'root');
  bin = join(dir, 'bin');
  aptLog = join(dir, 'apt.log');
  mkdirSync(root);
  mkdirSync(bin);
  lines = [];
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the pretest step', () => {
  it('as root, installs what is missing with apt-get, saying what, and then passes', () => {
    standInAptGet();
    expect(run(true)).toBe(0);
    expect(aptCalls()).toEqual(['update', 'install -y --no-install-recommends chromium dovecot-imapd postgresql']);
    expect(lines[0]).toBe('npm test needs chromium (the widget and settings-tab browser tests), Dovecot (the IMAP reply tests) and PostgreSQL (the PostgreSQL tests): installing chromium dovecot-imapd postgresql with apt-get.');
    for (const tool of TOOLS.filter((entry) => !entry.present)) expect(existsSync(join(root, tool.path)), tool.name).toBe(true);
    expect(existsSync(join(root, 'usr/lib/postgresql/15/bin/pg_ctl'))).toBe(true);
  });

  it('as root, installs only the missing one', () => {
    standInAptGet();
    mkdirSync(join(root, 'usr', 'bin'), { recursive: true });
    writeFileSync(join(root, 'usr', 'bin', 'chromium'), '#!/bin/sh\n', { mode: 0o755 });
    expect(run(true)).toBe(0);
    expect(aptCalls()).toEqual(['update', 'install -y --no-install-recommends dovecot-imapd postgresql']);
  });

  it('not as root, stops before any test with the one command to run, and installs nothing', () => {
    standInAptGet();
    expect(run(false)).toBe(1);
    expect(lines.join('\n')).toContain('sudo apt-get update && sudo apt-get install -y chromium dovecot-imapd postgresql');
    expect(aptCalls()).toEqual([]);
    expect(existsSync(join(root, 'usr'))).toBe(false);
  });

  it('says so when apt-get fails, and when there is no apt-get at all', () => {
    standInAptGet(100);
    expect(run(true)).toBe(1);
    expect(lines.at(-1)).toMatch(/^apt-get update failed \(exit 100\)\. Install them by hand: sudo apt-get update && sudo apt-get install -y chromium dovecot-imapd postgresql$/);
    rmSync(join(bin, 'apt-get'));
    lines = [];
    expect(run(true)).toBe(1);
    expect(lines[0]).toContain('there is no apt-get to install them');
  });

  it('with everything present, does nothing: no apt-get, no output', () => {
    standInAptGet();
    for (const path of ['/usr/bin/chromium', '/usr/sbin/dovecot', '/usr/lib/postgresql/17/bin/initdb', '/usr/lib/postgresql/17/bin/pg_ctl']) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), '#!/bin/sh\n', { mode: 0o755 });
    }
    expect(run(true)).toBe(0);
    expect(run(false)).toBe(0);
    expect(aptCalls()).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('on this machine (which CI prepared), the real step exits 0 and prints nothing', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'pretest.ts')]);
    expect(stdout + stderr).toBe('');
  });
});
