/**
 * Runs after `zet pack`: checks that the zip holds every file in app/ (zet silently drops file types
 * it does not know), that names follow zet's rules, and that each page's JavaScript stays inside
 * its gzip budget. Prints one line per page; exits 1 on any problem.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '../..');
const appDir = join(root, 'app');
const zipPath = join(root, 'dist', `${basename(root)}.zip`);
const ALLOWED = /\.(jpg|jpeg|png|gif|svg|css|woff|woff2|ttf|eot|webm|js|mp3|mp4|json|txt|md|xml|html)$/;
const FILE_NAME = /^[A-Za-z0-9_.$-]*$/;
const FOLDER_NAME = /^[A-Za-z0-9_$-]*$/;
/** The record widget loads inside every record page: its JavaScript must stay small. */
const BUDGETS: Record<string, number> = { 'widget.html': 15 * 1024, 'settings.html': 60 * 1024 };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The entry names of a zip, read from its central directory. */
function zipEntries(path: string): string[] {
  const zip = readFileSync(path);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error(`${path} is not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let index = 0; index < count; index += 1) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${path}: damaged central directory`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names.filter((name) => !name.endsWith('/'));
}

/** The scripts a page loads: its module entry and the chunks it preloads. */
function scriptsOf(page: string): string[] {
  const html = readFileSync(join(appDir, page), 'utf8');
  const sources = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g), ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((match) => match[1]!);
  for (const source of sources) if (!source.startsWith('./')) problems.push(`${page} loads ${source}: asset URLs must be relative`);
  return sources.map((source) => join(appDir, source));
}

const problems: string[] = [];
const appFiles = filesUnder(appDir).map((path) => relative(root, path).split('\\').join('/'));
for (const file of appFiles) {
  const parts = file.split('/');
  if (!ALLOWED.test(file)) problems.push(`${file}: zet drops this file type`);
  if (!FILE_NAME.test(parts.at(-1)!)) problems.push(`${file}: the name breaks zet's file-name rule`);
  for (const folder of parts.slice(1, -1)) if (!FOLDER_NAME.test(folder)) problems.push(`${file}: folder "${folder}" breaks zet's folder-name rule`);
}
const packed = new Set(zipEntries(zipPath));
for (const file of appFiles) if (!packed.has(file)) problems.push(`${file} is missing from ${relative(root, zipPath)}`);
console.log(`${relative(root, zipPath)}: ${String(packed.size)} files, all ${String(appFiles.length)} files of app/ included: ${String(appFiles.every((file) => packed.has(file)))}`);

for (const [page, budget] of Object.entries(BUDGETS)) {
  const scripts = scriptsOf(page);
  const gzip = scripts.reduce((sum, path) => sum + gzipSync(readFileSync(path), { level: 9 }).length, 0);
  const raw = scripts.reduce((sum, path) => sum + statSync(path).size, 0);
  console.log(`${page}: ${String(scripts.length)} scripts, ${(raw / 1024).toFixed(1)} kB, ${(gzip / 1024).toFixed(1)} kB gzip (budget ${String(budget / 1024)} kB)`);
  if (gzip > budget) problems.push(`${page}: ${(gzip / 1024).toFixed(1)} kB gzip is over its ${String(budget / 1024)} kB budget`);
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`pack check: ${problem}`);
  process.exit(1);
}
