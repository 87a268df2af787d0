#!/usr/bin/env node
// Runs the steps of action.yml (a composite action) on this machine the way the GitHub runner
// does, so the action is tested without GitHub: `${{ }}` expressions over inputs, github,
// runner, env and steps contexts; `if:` conditions with success()/failure()/always(); each
// `shell: bash` step as `bash --noprofile --norc -eo pipefail FILE` in the workspace with
// GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH and GITHUB_STEP_SUMMARY files read back after the step;
// `::error`/`::warning`/`::notice` lines collected as annotations. `uses:` steps (other actions,
// e.g. the SARIF upload) cannot run off GitHub: they are reported with their evaluated `with:`.
//
// Usage: node scripts/run-action-locally.mjs --workspace DIR [--input NAME=VALUE]... [--report FILE]
//          [--runner-temp DIR (kept afterwards; default a temporary directory, removed)] [--action FILE]
// Exit code: 0 when the job would succeed, 1 when a step failed (as the runner fails the job).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const HERE = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const options = { inputs: {}, action: join(HERE, '..', 'action.yml') };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    i += 1;
    if (flag === '--workspace') options.workspace = resolve(value);
    else if (flag === '--report') options.report = resolve(value);
    else if (flag === '--action') options.action = resolve(value);
    else if (flag === '--runner-temp') options.runnerTemp = resolve(value);
    else if (flag === '--input') {
      const eq = value.indexOf('=');
      if (eq <= 0) throw new Error(`--input takes NAME=VALUE, got ${value}`);
      options.inputs[value.slice(0, eq)] = value.slice(eq + 1);
    } else throw new Error(`unknown option ${flag}`);
  }
  if (!options.workspace) throw new Error('--workspace DIR is required');
  return options;
}

// ---- expressions: the subset of the GitHub Actions expression language composite actions use ----

function tokenize(text) {
  const tokens = [];
  const re = /\s*(?:('(?:[^']|'')*')|(==|!=|&&|\|\||[!()])|([A-Za-z_][A-Za-z0-9_.-]*)|(-?\d+(?:\.\d+)?))/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new Error(`cannot parse expression at '${text.slice(pos)}'`);
    pos = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'value', value: m[1].slice(1, -1).replace(/''/g, "'") });
    else if (m[2] !== undefined) tokens.push({ kind: 'op', value: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'name', value: m[3] });
    else tokens.push({ kind: 'value', value: Number(m[4]) });
  }
  return tokens;
}

function truthy(v) {
  return !(v === false || v === null || v === undefined || v === 0 || v === '');
}

function loose(v) {
  // GitHub compares a string and a number/boolean by converting to numbers; strings case-insensitively.
  return typeof v === 'string' ? v.toLowerCase() : String(v);
}

function evaluate(text, ctx) {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const take = () => tokens[i++];
  const primary = () => {
    const t = take();
    if (!t) throw new Error(`unexpected end of expression '${text}'`);
    if (t.kind === 'value') return t.value;
    if (t.kind === 'op' && t.value === '(') {
      const v = or();
      if (take()?.value !== ')') throw new Error(`missing ) in '${text}'`);
      return v;
    }
    if (t.kind === 'op' && t.value === '!') return !truthy(primary());
    if (t.kind === 'name') {
      if (peek()?.value === '(') {
        take();
        if (take()?.value !== ')') throw new Error(`only argument-less functions are supported: '${text}'`);
        if (t.value === 'success') return ctx.status === 'success';
        if (t.value === 'failure') return ctx.status === 'failure';
        if (t.value === 'always') return true;
        if (t.value === 'cancelled') return false;
        throw new Error(`unsupported function ${t.value}() in '${text}'`);
      }
      if (t.value === 'true') return true;
      if (t.value === 'false') return false;
      if (t.value === 'null') return null;
      const [head, ...path] = t.value.split('.');
      if (!(head in ctx.contexts)) throw new Error(`unknown context '${head}' in '${text}'`);
      let v = ctx.contexts[head];
      for (const key of path) v = v === undefined || v === null ? undefined : v[key];
      return v === undefined ? '' : v;
    }
    throw new Error(`unexpected '${t.value}' in '${text}'`);
  };
  const equality = () => {
    let v = primary();
    while (peek()?.value === '==' || peek()?.value === '!=') {
      const op = take().value;
      const r = primary();
      v = op === '==' ? loose(v) === loose(r) : loose(v) !== loose(r);
    }
    return v;
  };
  const and = () => {
    let v = equality();
    while (peek()?.value === '&&') {
      take();
      const r = equality();
      v = truthy(v) ? r : v;
    }
    return v;
  };
  const or = () => {
    let v = and();
    while (peek()?.value === '||') {
      take();
      const r = and();
      v = truthy(v) ? v : r;
    }
    return v;
  };
  const value = or();
  if (i !== tokens.length) throw new Error(`trailing tokens in '${text}'`);
  return value;
}

function interpolate(text, ctx) {
  if (typeof text !== 'string') return text;
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr) => {
    const v = evaluate(expr, ctx);
    return v === null || v === undefined ? '' : String(v);
  });
}

function condition(text, ctx) {
  if (text === undefined) return ctx.status === 'success';
  const trimmed = String(text).trim();
  const inner = /^\$\{\{([\s\S]*)\}\}$/.exec(trimmed);
  const expr = inner ? inner[1] : trimmed;
  // As on GitHub: a condition without a status function implies success() &&.
  const v = evaluate(expr, ctx);
  return /\b(success|failure|always|cancelled)\(\)/.test(expr) ? truthy(v) : ctx.status === 'success' && truthy(v);
}

// ---- runner files ----------------------------------------------------------------------------

function readKeyValueFile(path) {
  const out = {};
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return out;
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const body = [];
      for (i += 1; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i]);
      out[name] = body.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`malformed line in ${path}: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

const ANNOTATION = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/;

function annotationsOf(text) {
  const found = [];
  for (const line of text.split('\n')) {
    const m = ANNOTATION.exec(line);
    if (!m) continue;
    const props = Object.fromEntries(
      (m[2] ?? '')
        .split(',')
        .filter(Boolean)
        .map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
    );
    found.push({ level: m[1], ...props, message: m[3] });
  }
  return found;
}

// ---- the run -----------------------------------------------------------------------------------

function main() {
  const options = parseArgs(process.argv.slice(2));
  const action = parse(readFileSync(options.action, 'utf8'));
  if (action?.runs?.using !== 'composite') throw new Error(`${options.action} is not a composite action`);
  const temp = mkdtempSync(join(tmpdir(), 'driftwatch-action-'));
  const runnerTemp = options.runnerTemp ?? join(temp, 'runner-temp');
  mkdirSync(runnerTemp, { recursive: true });
  const inputs = {};
  for (const [name, spec] of Object.entries(action.inputs ?? {})) {
    if (name in options.inputs) inputs[name] = options.inputs[name];
    else if (spec?.required && spec.default === undefined) throw new Error(`input ${name} is required`);
    else inputs[name] = spec?.default === undefined ? '' : String(spec.default);
  }
  for (const name of Object.keys(options.inputs)) if (!(name in inputs)) throw new Error(`the action has no input ${name}`);

  const env = {
    ...process.env,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace,
    RUNNER_TEMP: runnerTemp,
    GITHUB_ACTION_PATH: dirname(options.action),
  };
  const summary = join(temp, 'step-summary.md');
  writeFileSync(summary, '');
  const steps = {};
  const report = { steps: [], annotations: [], outputs: {}, summary: '', success: true };
  const ctx = () => ({
    status: report.success ? 'success' : 'failure',
    contexts: {
      inputs,
      github: { action_path: dirname(options.action), workspace: options.workspace },
      runner: { temp: runnerTemp, os: 'Linux' },
      env,
      steps,
    },
  });

  for (const [index, step] of (action.runs.steps ?? []).entries()) {
    const id = step.id ?? `__step${index}`;
    const label = step.name ?? step.id ?? step.uses ?? `step ${index + 1}`;
    if (!condition(step.if, ctx())) {
      process.stdout.write(`-- skipped: ${label} (if: ${String(step.if ?? 'success()')})\n`);
      steps[id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      report.steps.push({ id, name: label, outcome: 'skipped', ...(step.uses ? { uses: step.uses } : {}) });
      continue;
    }
    if (step.uses) {
      const withValues = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx())]));
      process.stdout.write(`-- not run here: ${label} (uses: ${step.uses}, with: ${JSON.stringify(withValues)})\n`);
      steps[id] = { outputs: {}, outcome: 'success', conclusion: 'success' };
      report.steps.push({ id, name: label, outcome: 'uses', uses: step.uses, with: withValues });
      continue;
    }
    if (step.shell !== 'bash') throw new Error(`step ${label}: only shell: bash is supported, got ${String(step.shell)}`);
    const script = join(temp, `step-${index}.sh`);
    writeFileSync(script, interpolate(step.run, ctx()));
    const files = {
      GITHUB_OUTPUT: join(temp, `output-${index}`),
      GITHUB_ENV: join(temp, `env-${index}`),
      GITHUB_PATH: join(temp, `path-${index}`),
    };
    for (const file of Object.values(files)) writeFileSync(file, '');
    const stepEnv = { ...env, ...files, GITHUB_STEP_SUMMARY: summary };
    for (const [k, v] of Object.entries(step.env ?? {})) stepEnv[k] = interpolate(String(v), ctx());
    process.stdout.write(`-- run: ${label}\n`);
    const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: options.workspace,
      env: stepEnv,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    process.stdout.write(run.stdout);
    process.stderr.write(run.stderr);
    report.annotations.push(...annotationsOf(run.stdout));
    const outcome = run.status === 0 ? 'success' : 'failure';
    const outputs = readKeyValueFile(files.GITHUB_OUTPUT);
    Object.assign(env, readKeyValueFile(files.GITHUB_ENV));
    const paths = readFileSync(files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean);
    if (paths.length > 0) env.PATH = [...paths.reverse(), env.PATH].join(':');
    steps[id] = { outputs, outcome, conclusion: outcome };
    report.steps.push({ id, name: label, outcome, exitCode: run.status, outputs });
    if (outcome === 'failure' && !step['continue-on-error']) report.success = false;
  }
  for (const [name, spec] of Object.entries(action.outputs ?? {})) report.outputs[name] = interpolate(String(spec?.value ?? ''), ctx());
  report.summary = readFileSync(summary, 'utf8');
  process.stdout.write(
    `-- ${report.success ? 'job succeeded' : 'job failed'}; ${report.annotations.length} annotation(s); outputs ${JSON.stringify(report.outputs)}\n`,
  );
  if (options.report) writeFileSync(options.report, `${JSON.stringify(report, null, 2)}\n`);
  rmSync(temp, { recursive: true, force: true });
  return report.success ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`run-action-locally: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
