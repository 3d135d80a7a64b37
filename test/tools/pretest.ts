import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `npm test`'s pretest step: the machine programs the suites drive (a real browser, a real IMAP
 * server, PostgreSQL's server binaries) are found before any test runs. Missing ones are installed with apt-get when we run as
 * root (saying what), otherwise we stop with the one command that installs them. With everything
 * present it only looks at a few paths.
 */

export interface Tool {
  name: string;
  /** Where the test helpers run it from (absolute, under `root`). */
  path: string;
  /** The Debian package that installs it. */
  apt: string;
  /** What needs it. */
  why: string;
  /** Found some other way than one executable at `path` (a versioned directory). */
  present?: (root: string) => boolean;
}

/** Debian keeps each PostgreSQL version's server binaries in /usr/lib/postgresql/<version>/bin. */
function postgresPresent(root: string): boolean {
  const dir = join(root, '/usr/lib/postgresql');
  return existsSync(dir) && readdirSync(dir).some((version) => executable(join(dir, version, 'bin', 'initdb')) && executable(join(dir, version, 'bin', 'pg_ctl')));
}

export const TOOLS: readonly Tool[] = [
  { name: 'chromium', path: '/usr/bin/chromium', apt: 'chromium', why: 'the widget and settings-tab browser tests' },
  { name: 'Dovecot', path: '/usr/sbin/dovecot', apt: 'dovecot-imapd', why: 'the IMAP reply tests' },
  { name: 'PostgreSQL', path: '/usr/lib/postgresql/<version>/bin/initdb', apt: 'postgresql', why: 'the PostgreSQL tests', present: postgresPresent },
];

export interface PretestOptions {
  /** The filesystem root the tools are looked for under ("/" on a real machine). */
  root: string;
  isRoot: boolean;
  /** PATH, to find apt-get. */
  path: string;
  log: (line: string) => void;
  tools?: readonly Tool[];
}

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function onPath(command: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir && executable(join(dir, command))) return join(dir, command);
  }
  return null;
}

/** 0 when every tool is there (or now installed); 1 with the reason logged otherwise. */
export function pretest(options: PretestOptions): number {
  const tools = options.tools ?? TOOLS;
  const missingOf = () => tools.filter((tool) => !(tool.present ? tool.present(options.root) : executable(join(options.root, tool.path))));
  const missing = missingOf();
  if (missing.length === 0) return 0;
  const packages = [...new Set(missing.map((tool) => tool.apt))];
  const named = missing.map((tool) => `${tool.name} (${tool.why})`);
  const what = named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)!}` : named[0]!;
  const command = `sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`;
  const aptGet = onPath('apt-get', options.path);
  if (!aptGet) {
    options.log(`npm test needs ${what}, which this machine lacks, and there is no apt-get to install them. Install the packages ${packages.join(', ')} (Debian names) with your package manager, then run npm test again.`);
    return 1;
  }
  if (!options.isRoot) {
    options.log(`npm test needs ${what}, which this machine lacks. Install them with:\n\n  ${command}\n\nthen run npm test again.`);
    return 1;
  }
  options.log(`npm test needs ${what}: installing ${packages.join(' ')} with apt-get.`);
  const env = { ...process.env, PATH: options.path, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...packages]]) {
    const run = spawnSync(aptGet, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (run.status !== 0) {
      options.log(`apt-get ${args.join(' ')} failed (${run.error?.message ?? `exit ${run.status}`}). Install them by hand: ${command}`);
      return 1;
    }
  }
  const still = missingOf();
  if (still.length > 0) {
    options.log(`apt-get installed ${packages.join(' ')}, but ${still.map((tool) => tool.path).join(' and ')} is still missing.`);
    return 1;
  }
  options.log(`installed ${packages.join(' ')}.`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = pretest({ root: '/', isRoot: process.getuid?.() === 0, path: process.env.PATH ?? '', log: (line) => console.error(line) });
}
