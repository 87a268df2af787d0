import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { CompareSide } from '../compare/compare.js';
import { loadConfig } from '../config/load-config.js';
import type { DesiredState } from '../model/desired-state.js';
import { ConfigError, IoError, UsageError } from '../model/errors.js';
import type { PolicyPack } from '../policy/policy-pack.js';
import type { CompareBase as CompareBaseOption } from './request.js';

/**
 * Reads the base side of `--compare PATH` / `--compare-ref REF`. A git revision is read with
 * `git show REV:path` into a private temporary tree that mirrors the repository layout (no
 * checkout, the work tree is never touched), so base diagnostics and locations carry the same
 * file names as head's.
 */

export interface BaseSource {
  readonly side: CompareSide;
  /** `ref:<REF>` or the path as given. */
  readonly label: string;
}

async function loadPacks(state: DesiredState, cwd: string): Promise<PolicyPack[]> {
  if (state.policies.length === 0) return [];
  const { loadValidPolicyPacks } = await import('../policy/policy-file.js');
  return loadValidPolicyPacks(state.policies, { cwd });
}

/** `--compare PATH`: a base configuration on disk (a directory or a file), read like head. */
async function loadBaseFromPath(path: string, cwd: string, env: Readonly<Record<string, string | undefined>>): Promise<BaseSource> {
  const loaded = await loadConfig([path], { cwd, env });
  if (loaded.diagnostics.some((d) => d.severity === 'error')) throw new ConfigError(loaded.diagnostics, 'base configuration (--compare)');
  const state = loaded.state;
  return { side: { state, packs: await loadPacks(state, cwd) }, label: path };
}

function git(args: readonly string[], cwd: string): Promise<Buffer> {
  return new Promise((done, fail) => {
    execFile('git', [...args], { cwd, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      if (error) {
        const why = stderr.toString('utf8').trim().split('\n')[0] || error.message;
        fail(Object.assign(new Error(why), { code: (error as NodeJS.ErrnoException).code }));
      } else done(stdout);
    });
  });
}

const YAML = new Set(['.yaml', '.yml']);

/** Writes `REF:file` into the mirror; false when the revision has no such file. */
async function showInto(ref: string, root: string, file: string, mirror: string): Promise<boolean> {
  let content: Buffer;
  try {
    content = await git(['show', `${ref}:${file}`], root);
  } catch {
    return false;
  }
  const target = join(mirror, file);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, content);
  return true;
}

/**
 * `--compare-ref REF`: the same paths as head, as they are in revision REF of the repository
 * holding the working directory. Policy files the base names by relative path are read from
 * REF too; built-in packs are the installed ones (they belong to the tool, not the change).
 */
async function loadBaseFromRef(
  ref: string,
  headPaths: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<BaseSource> {
  if (ref === '' || ref.startsWith('-') || /[\s\0]/.test(ref))
    throw new UsageError(`--compare-ref: '${ref}' is not a git revision`, 'e.g. --compare-ref origin/main or --compare-ref HEAD~1.');
  let root: string;
  try {
    root = (await git(['rev-parse', '--show-toplevel'], cwd)).toString('utf8').trim();
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ENOENT';
    throw new UsageError(
      missing ? '--compare-ref needs git, which was not found on PATH' : `--compare-ref: ${cwd} is not inside a git repository`,
      'Run from the repository that holds the configuration, or compare with a directory: --compare PATH.',
    );
  }
  try {
    await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root);
  } catch {
    throw new UsageError(
      `--compare-ref: unknown revision '${ref}'`,
      'Fetch it first (CI checkouts are often shallow: `git fetch origin main --depth=1`), or name a branch, tag or commit.',
    );
  }
  const mirror = await mkdtemp(join(tmpdir(), 'driftwatch-base-'));
  try {
    // git names the top level by its real path; compare like with like.
    const realCwd = await realpath(cwd);
    const cwdRel = relative(root, realCwd);
    const baseCwd = join(mirror, cwdRel);
    await mkdir(baseCwd, { recursive: true });
    const basePaths: string[] = [];
    for (const given of headPaths.length > 0 ? headPaths : ['.']) {
      const absolute = await realpath(resolve(cwd, given));
      const rel = relative(root, absolute);
      if (rel.startsWith('..') || isAbsolute(rel)) throw new UsageError(`--compare-ref: ${given} is outside the git repository ${root}`);
      const gitPath = rel.split(sep).join('/');
      let kind = '';
      try {
        kind = (await git(['cat-file', '-t', `${ref}:${gitPath}`], root)).toString('utf8').trim();
      } catch {
        throw new UsageError(
          `--compare-ref: ${ref} has no ${gitPath || '.'}`,
          'The configuration did not exist at that revision; compare with a revision or path that has it.',
        );
      }
      if (kind === 'tree') {
        const listing = (await git(['ls-tree', '--name-only', '-z', ref, '--', gitPath === '' ? '.' : `${gitPath}/`], root)).toString(
          'utf8',
        );
        const files = listing.split('\0').filter((f) => f !== '' && YAML.has(extname(f).toLowerCase()));
        await mkdir(join(mirror, gitPath), { recursive: true });
        for (const f of files) await showInto(ref, root, f, mirror);
      } else {
        await showInto(ref, root, gitPath, mirror);
      }
      basePaths.push(join(mirror, rel));
    }
    const what = `base configuration (${ref})`;
    const first = await loadConfig(basePaths, { cwd: baseCwd, env });
    const errors = first.diagnostics.filter((d) => d.severity === 'error');
    if (errors.some((d) => d.rule !== 'policy-not-found')) throw new ConfigError(first.diagnostics, what);
    let state = first.state;
    if (errors.length > 0) {
      // Policy files named by relative path live in the revision too: read them, then load again.
      for (const policy of state.policies) {
        const inMirror = relative(mirror, policy.path);
        if (!inMirror.startsWith('..') && !isAbsolute(inMirror)) await showInto(ref, root, inMirror.split(sep).join('/'), mirror);
      }
      const again = await loadConfig(basePaths, { cwd: baseCwd, env });
      if (again.diagnostics.some((d) => d.severity === 'error')) throw new ConfigError(again.diagnostics, what);
      state = again.state;
    }
    return { side: { state, packs: await loadPacks(state, baseCwd) }, label: `ref:${ref}` };
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) throw error;
    throw new IoError(`--compare-ref: cannot read ${ref}`, 'Check that the revision exists and the repository is readable.', {
      cause: error,
    });
  } finally {
    await rm(mirror, { recursive: true, force: true });
  }
}

/** The base of `--compare`/`--compare-ref`, read before any request so a bad base fails the run up front. */
export function loadCompareBase(
  base: CompareBaseOption,
  headPaths: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<BaseSource> {
  return base.kind === 'path' ? loadBaseFromPath(base.path, cwd, env) : loadBaseFromRef(base.ref, headPaths, cwd, env);
}

/** Head's policy packs as loaded objects (the detector compares rules, not just their findings). */
export function loadHeadPacks(state: DesiredState, cwd: string): Promise<PolicyPack[]> {
  return loadPacks(state, cwd);
}
