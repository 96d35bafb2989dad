// `node scripts/relayout.mjs`: moves source files into folders that show the design (issue 13) and
// rewrites every path that names them. Deterministic and re-runnable: a second run moves nothing and
// changes nothing. It ends with tsc, eslint and prettier on what it changed, and fails loudly.
//
// 1. Plan: each tracked file under src/ is placed by the explicit table (PLACES), else by the first
//    prefix rule (RULES) that matches it; files matching neither stay, and the ones not listed in
//    STAYS are printed (new files other branches added: decide where they go and extend the table).
// 2. Move with `git mv` (colocated *.test.ts and *.test-support.ts files follow their rule too).
// 3. Rewrite relative specifiers in src/, test/, bench/ and scripts/ (static and dynamic imports,
//    `export ... from`, vi.mock, `new URL(..., import.meta.url)`), repository paths such as
//    `src/runtime/session-commit.ts` in configs, package.json, scripts and docs, and bare file names
//    in comments and docs (`session-commit.ts` → `runtime/session/commit.ts`) where the name is unique.
// 4. Check: prettier --write, then tsc and eslint on the changed files.
//
// Options: --dry-run prints the plan and changes nothing; --no-check skips step 4.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { PLACES, RULES, STAYS } from './relayout-map.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DRY = process.argv.includes('--dry-run');
const CHECK = !process.argv.includes('--no-check');

/** Runs a command in the repository, returning its stdout; throws (with its output) when it fails. */
function run(command, args, options = {}) {
  return execFileSync(command, args, { cwd: ROOT, encoding: 'utf8', ...options });
}

/** Where `file` (repository-relative, posix) belongs, or null when it stays. */
export function placeOf(file) {
  if (Object.hasOwn(PLACES, file)) return PLACES[file];
  for (const [pattern, target] of RULES) {
    const match = pattern.exec(file);
    if (match !== null) return target.replace(/\$(\d)/g, (_, n) => match[Number(n)] ?? '');
  }
  return null;
}

/** The plan: old path → new path, for every tracked source file that moves. */
function plan() {
  const files = run('git', ['ls-files', 'src']).split('\n').filter(Boolean);
  const tracked = new Set(files);
  const moves = new Map();
  const unplaced = [];
  for (const file of files) {
    const target = placeOf(file);
    if (target === null || target === file) {
      const folder = posix.dirname(file);
      if (target === null && !STAYS.has(file) && /^src\/(core|runtime|server)$/.test(folder))
        unplaced.push(file);
      continue;
    }
    if (tracked.has(target)) throw new Error(`${file} would move onto ${target}, which exists`);
    moves.set(file, target);
  }
  const targets = [...moves.values()];
  const clash = targets.find((t, i) => targets.indexOf(t) !== i);
  if (clash !== undefined) throw new Error(`two files would move to ${clash}`);
  return { moves, unplaced };
}

/** Every text file whose paths may need rewriting. */
function filesToRewrite() {
  const roots = ['src', 'test', 'bench', 'scripts'];
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(join(ROOT, dir))) {
      const path = posix.join(dir, name);
      if (name === 'node_modules' || name === 'static') continue;
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else if (/\.(ts|mts|js|mjs)$/.test(name)) found.push(path);
    }
  };
  for (const root of roots) if (existsSync(join(ROOT, root))) walk(root);
  const extra = ['eslint.config.js', 'vitest.config.ts', 'package.json', 'tsconfig.json'];
  const docs = [
    'README.md',
    'CONTRIBUTING.md',
    ...readdirSync(join(ROOT, 'docs')).map((n) => `docs/${n}`),
  ];
  // This script and its map name old paths on purpose: they are never rewritten.
  return [...found, ...extra, ...docs.filter((d) => d.endsWith('.md'))].filter(
    (f) => existsSync(join(ROOT, f)) && !/^scripts\/relayout/.test(f),
  );
}

/** A source path as imported: `x.ts` is imported as `x.js`. */
const asImported = (path) => path.replace(/\.ts$/, '.js');

/** The moved location of a repository-relative path (a .js specifier of a .ts source included). */
function movedPath(path, moves) {
  if (moves.has(path)) return moves.get(path);
  const source = path.replace(/\.js$/, '.ts');
  if (source !== path && moves.has(source)) return asImported(moves.get(source));
  return path;
}

const SPECIFIER =
  /((?:\bfrom|\bimport|\bimport\s*\(|\bvi\.(?:do)?[mM]ock\(|\bnew URL\()\s*)(['"`])(\.{1,2}\/[^'"`$]*)\2/g;

/**
 * Rewrites the relative specifiers of `file` (now at `newFile`, formerly at `oldFile`). A specifier
 * that climbs to the repository root and back down (`../../src/server/static/`, written for dist/)
 * keeps doing so from the new depth; any other is resolved and pointed at its target's new place.
 */
function rewriteSpecifiers(text, oldFile, newFile, moves) {
  const oldDir = posix.dirname(oldFile);
  const newDir = posix.dirname(newFile);
  return text.replace(SPECIFIER, (whole, lead, quote, spec) => {
    const climbs = spec.match(/^(\.\.\/)+/)?.[0].length / 3 || 0;
    const depth = oldDir.split('/').length;
    const trailing = spec.endsWith('/') ? '/' : '';
    if (climbs >= depth) {
      const rest = spec.slice(climbs * 3);
      const movedRest = movedPath(rest, moves);
      if (movedRest === rest && oldDir === newDir) return whole;
      const up = '../'.repeat(newDir.split('/').length + (climbs - depth));
      return `${lead}${quote}${up}${movedRest}${quote}`;
    }
    const target = posix.normalize(posix.join(oldDir, spec));
    const moved = movedPath(target, moves);
    if (moved === target && oldDir === newDir) return whole;
    let next = posix.relative(newDir, moved) + trailing;
    if (!next.startsWith('.')) next = `./${next}`;
    if (next === './/' || next === './') next = './';
    return `${lead}${quote}${next}${quote}`;
  });
}

/** Rewrites repository paths (`src/runtime/session-commit.ts`, also as `.js`) to their new places. */
function rewriteRepositoryPaths(text, moves) {
  const olds = [...moves.keys()].sort((a, b) => b.length - a.length);
  let out = text;
  for (const old of olds) {
    const stem = old.replace(/\.ts$/, '');
    const newStem = moves.get(old).replace(/\.ts$/, '');
    const pattern = new RegExp(
      `(^|[^\\w./-])${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(ts|js)\\b`,
      'g',
    );
    out = out.replace(pattern, (_, before, ext) => `${before}${newStem}.${ext}`);
  }
  return out;
}

/**
 * Rewrites bare file names in prose (`see session-commit.ts`) to the new path under src/
 * (`runtime/session/commit.ts`), for names that name one file only.
 */
function rewriteBareNames(text, moves, unique) {
  let out = text;
  for (const [old, moved] of moves) {
    const base = posix.basename(old);
    if (!unique.has(base)) continue;
    const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`(^|[\\s(\`'"])${escaped}(?![\\w/-])`, 'g');
    out = out.replace(pattern, (_, before) => `${before}${moved.replace(/^src\//, '')}`);
  }
  return out;
}

/** Base names that name exactly one tracked file under src/ (ambiguous names are left alone). */
function uniqueBaseNames() {
  const counts = new Map();
  for (const file of run('git', ['ls-files', 'src']).split('\n').filter(Boolean)) {
    const base = posix.basename(file);
    counts.set(base, (counts.get(base) ?? 0) + 1);
  }
  return new Set([...counts].filter(([, n]) => n === 1).map(([base]) => base));
}

function main() {
  const { moves, unplaced } = plan();
  for (const [from, to] of moves) process.stdout.write(`move ${from} -> ${to}\n`);
  if (unplaced.length > 0) {
    process.stdout.write(
      `\nfiles no rule places (they stay; add them to scripts/relayout-map.mjs):\n`,
    );
    for (const file of unplaced) process.stdout.write(`  ${file}\n`);
  }
  if (DRY) return;
  const inverse = new Map([...moves].map(([from, to]) => [to, from]));
  const unique = uniqueBaseNames();
  const files = filesToRewrite();
  for (const [from, to] of moves) {
    mkdirSync(dirname(join(ROOT, to)), { recursive: true });
    run('git', ['mv', from, to]);
  }
  const changed = [];
  for (const before of files) {
    const file = movedPath(before, moves);
    const path = join(ROOT, file);
    if (!existsSync(path)) continue;
    const text = readFileSync(path, 'utf8');
    let next = rewriteBareNames(rewriteRepositoryPaths(text, moves), moves, unique);
    if (/\.(ts|mts|js|mjs)$/.test(file)) {
      const oldFile = inverse.get(file) ?? file;
      next = rewriteSpecifiers(next, oldFile, file, moves);
    }
    if (next !== text) {
      writeFileSync(path, next);
      changed.push(file);
    }
  }
  process.stdout.write(`\nmoved ${moves.size} files, rewrote paths in ${changed.length}\n`);
  if (!CHECK || (moves.size === 0 && changed.length === 0)) return;
  const code = [...new Set([...changed, ...moves.values()])].filter((f) =>
    /\.(ts|js|mjs)$/.test(f),
  );
  const formattable = code.filter((f) => !f.startsWith('src/client/openapi'));
  if (formattable.length > 0)
    run('npx', ['prettier', '--log-level', 'warn', '--write', ...formattable]);
  // The benchmarks import the built package (dist/), so a fresh checkout builds before it type-checks.
  if (!existsSync(join(ROOT, 'dist', 'index.d.ts')))
    run('npm', ['run', 'build'], { stdio: 'inherit' });
  process.stdout.write('tsc -p tsconfig.json --noEmit\n');
  run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], { stdio: 'inherit' });
  const lintable = code.filter((f) => !f.startsWith('src/client/openapi'));
  process.stdout.write(`eslint (${lintable.length} files)\n`);
  if (lintable.length > 0) run('npx', ['eslint', ...lintable], { stdio: 'inherit' });
  process.stdout.write('relayout done: review `git status`, then commit\n');
}

try {
  main();
} catch (error) {
  process.stderr.write(
    `relayout FAILED: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
}
