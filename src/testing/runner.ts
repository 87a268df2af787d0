import { readFile } from 'node:fs/promises';
import { suggestion } from '../util/did-you-mean.js';
import { loadConfig } from '../config/load-config.js';
import { evaluate } from '../engine/evaluate.js';
import { parseSnapshot } from '../engine/snapshot.js';
import { formatInstant } from '../util/time.js';
import type { DesiredState, PolicyRef } from '../model/desired-state.js';
import { DriftwatchError, InputError } from '../model/errors.js';
import type { Diagnostic, SourceLocation } from '../model/location.js';
import type { Observation } from '../model/observation.js';
import type { CheckResult, RunResult } from '../model/run-result.js';
import { createPolicyChecks } from '../policy/policy-checks.js';
import { createPolicyValidator, loadPolicyPacks } from '../policy/policy-file.js';
import type { PolicyFileResult, SchemaValidator } from '../policy/policy-file.js';
import type { PolicyPack } from '../policy/policy-pack.js';
import { loadInlineConfig } from './inline-config.js';
import { createTestFileValidator, parseTestFile } from './test-file.js';
import { observeWorld } from './world-observations.js';
import type { CheckOutcome, ExpectedOutcome, TestCase } from './test-file.js';
import { displayName } from '../util/input-files.js';

/**
 * Runs `driftwatch test` files: for each case, load the configuration and policy packs, take the
 * observations from a snapshot and/or inline, evaluate at the case's `as_of` with the same
 * `evaluate` that `plan --observed` uses, and compare the outcomes the case expects. Offline: the
 * only sockets are a world file's simulator on loopback, and "now" is always the case's as_of.
 */

export type CaseStatus = 'pass' | 'fail' | 'error';

/** One expected outcome next to what happened. */
export interface OutcomeRow {
  readonly key: string;
  readonly expected: string;
  readonly actual: string;
  /** For a mismatch: the messages of the checks involved, to say why. */
  readonly details: readonly string[];
}

export interface CaseResult {
  readonly name: string;
  readonly location: SourceLocation;
  readonly status: CaseStatus;
  readonly rows: readonly OutcomeRow[];
  /** Why the case could not run (status `error`): configuration, policy or snapshot problems. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface FileResult {
  readonly file: string;
  /** Problems with the test file itself; when any is an error no case ran. */
  readonly diagnostics: readonly Diagnostic[];
  readonly cases: readonly CaseResult[];
}

export interface TestSummary {
  readonly files: number;
  readonly cases: number;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
}

export interface TestRun {
  readonly files: readonly FileResult[];
  readonly summary: TestSummary;
  /** 0 when every case passed and every file was valid, 1 otherwise. */
  readonly exitCode: 0 | 1;
}

export interface RunnerOptions {
  /** File names in output are relative to this directory. */
  readonly cwd: string;
  /** Only cases whose name contains this text (case-insensitive). */
  readonly filter?: string;
  readonly toolVersion?: string;
}

interface Shared {
  readonly options: RunnerOptions;
  readonly testValidator: ReturnType<typeof createTestFileValidator>;
  readonly policyValidator: SchemaValidator;
  readonly policyCache: Map<string, PolicyFileResult>;
}

function err(location: SourceLocation, rule: string, message: string): Diagnostic {
  return { location, message, rule, severity: 'error' };
}

function hasError(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

async function loadState(testCase: TestCase, shared: Shared): Promise<{ state: DesiredState; diagnostics: Diagnostic[] }> {
  const spec = testCase.configuration;
  if (spec.kind === 'inline') return loadInlineConfig(spec.source, testCase.env);
  const result = await loadConfig([spec.path], { cwd: shared.options.cwd, env: testCase.env });
  // A configuration path that cannot be read is reported at the test's line naming it.
  const diagnostics = result.diagnostics.map((d) =>
    d.rule === 'io'
      ? { ...d, location: spec.location, message: `configuration ${displayName(shared.options.cwd, spec.path)}: ${d.message}` }
      : d,
  );
  return { state: result.state, diagnostics };
}

async function loadObservations(
  testCase: TestCase,
  state: DesiredState,
  shared: Shared,
): Promise<{ observations: Observation[]; diagnostics: Diagnostic[] }> {
  const byAddress = new Map<string, Observation>();
  const observedAt = formatInstant(testCase.asOf.getTime());
  if (testCase.world) {
    const { path, location } = testCase.world;
    const shown = displayName(shared.options.cwd, path);
    // Resources with inline observations need no request.
    const toObserve = { ...state, resources: state.resources.filter((r) => !testCase.observations.has(r.address)) };
    try {
      for (const o of await observeWorld(toObserve, { path, shown })) byAddress.set(o.address, o);
    } catch (error) {
      if (error instanceof InputError) {
        const diagnostics = error.diagnostics.length > 0 ? [...error.diagnostics] : [err(location, 'world', error.message)];
        return { observations: [], diagnostics };
      }
      throw error;
    }
  }
  if (testCase.observed) {
    const { path, location } = testCase.observed;
    const shown = displayName(shared.options.cwd, path);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return { observations: [], diagnostics: [err(location, 'io', `cannot read snapshot ${shown}`)] };
    }
    try {
      for (const o of parseSnapshot(text, shown).observations) byAddress.set(o.address, o);
    } catch (error) {
      if (error instanceof InputError) {
        const diagnostics = error.diagnostics.length > 0 ? [...error.diagnostics] : [err(location, 'snapshot', error.message)];
        return { observations: [], diagnostics };
      }
      throw error;
    }
  }
  for (const [address, inline] of testCase.observations) byAddress.set(address, { ...inline.observation, observed_at: observedAt });
  return { observations: [...byAddress.values()], diagnostics: [] };
}

/** The outcome of the checks named `rule` on a resource: the worst of them, or not_applicable. */
function checkOutcome(checks: readonly CheckResult[]): CheckOutcome {
  if (checks.length === 0) return 'not_applicable';
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.some((c) => c.status === 'unknown')) return 'unknown';
  if (checks.some((c) => c.status === 'waived')) return 'waived';
  return 'pass';
}

/** Checks that every expectation names a resource and a rule that exist, so a typo cannot pass as "not_applicable". */
function checkExpectations(testCase: TestCase, state: DesiredState, packs: readonly PolicyPack[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const addresses = state.resources.map((r) => r.address);
  const policyRules = packs.flatMap((p) => p.rules);
  for (const e of testCase.expect) {
    const resource = state.resources.find((r) => r.address === e.address);
    if (!resource) {
      out.push(err(e.location, 'test-expect', `no resource ${e.address} in the configuration${suggestion(e.address, addresses)}`));
      continue;
    }
    if (e.rule === undefined) continue;
    const rules = [
      ...resource.expect.map((x) => x.attribute),
      ...policyRules.filter((r) => r.resourceType === resource.type).map((r) => r.id),
    ];
    if (!rules.includes(e.rule)) {
      out.push(
        err(
          e.location,
          'test-expect',
          `${e.address} has no expectation or policy rule '${e.rule}'${suggestion(e.rule, rules) || (rules.length > 0 ? `; known: ${rules.join(', ')}` : '')}`,
        ),
      );
    }
  }
  for (const [address, inline] of testCase.observations) {
    // File-level observations are defaults; a case with a configuration of its own may not use them all.
    if (inline.scope === 'case' && !addresses.includes(address))
      out.push(
        err(
          inline.location,
          'test-observation',
          `observation for ${address}, which is not in the configuration${suggestion(address, addresses)}`,
        ),
      );
  }
  return out;
}

function compare(expect: readonly ExpectedOutcome[], result: RunResult): OutcomeRow[] {
  return expect.map((e) => {
    const resource = result.resources.find((r) => r.address === e.address);
    if (e.rule === undefined) {
      const actual = resource?.status ?? 'missing';
      const details =
        actual === e.outcome || !resource
          ? []
          : resource.checks.filter((c) => c.status !== 'pass').map((c) => (c.source === 'policy' ? c.message : `${c.rule}: ${c.message}`));
      if (resource?.error) details.unshift(`${resource.error.code}: ${resource.error.message}`);
      return { key: e.key, expected: e.outcome, actual, details: actual === e.outcome ? [] : details };
    }
    const checks = resource?.checks.filter((c) => c.rule === e.rule) ?? [];
    const actual = checkOutcome(checks);
    return { key: e.key, expected: e.outcome, actual, details: actual === e.outcome ? [] : checks.map((c) => `${c.status}: ${c.message}`) };
  });
}

async function runCase(testCase: TestCase, shared: Shared): Promise<CaseResult> {
  const base = { name: testCase.name, location: testCase.location };
  const errored = (diagnostics: readonly Diagnostic[]): CaseResult => ({ ...base, status: 'error', rows: [], diagnostics });

  const loaded = await loadState(testCase, shared);
  if (hasError(loaded.diagnostics)) return errored(loaded.diagnostics);
  const refs: PolicyRef[] = [...loaded.state.policies, ...testCase.policies];
  const policies = await loadPolicyPacks(refs, { cwd: shared.options.cwd, validator: shared.policyValidator, cache: shared.policyCache });
  if (hasError(policies.diagnostics)) return errored(policies.diagnostics);
  const observed = await loadObservations(testCase, loaded.state, shared);
  if (hasError(observed.diagnostics)) return errored(observed.diagnostics);
  const problems = checkExpectations(testCase, loaded.state, policies.packs);
  if (problems.length > 0) return errored(problems);

  const result = evaluate({
    state: loaded.state,
    observations: observed.observations,
    now: testCase.asOf,
    toolVersion: shared.options.toolVersion ?? 'test',
    policyChecks: createPolicyChecks(policies.packs, { now: testCase.asOf }),
  });
  const rows = compare(testCase.expect, result);
  return { ...base, status: rows.every((r) => r.expected === r.actual) ? 'pass' : 'fail', rows, diagnostics: [] };
}

async function runFile(path: string, shared: Shared): Promise<FileResult> {
  const file = displayName(shared.options.cwd, path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { file, diagnostics: [err({ file, line: 1, column: 1 }, 'io', `cannot read test file ${file}`)], cases: [] };
  }
  const parsed = parseTestFile(text, file, path, shared.testValidator);
  if (!parsed.suite) return { file, diagnostics: parsed.diagnostics, cases: [] };
  const filter = shared.options.filter?.toLowerCase();
  const cases: CaseResult[] = [];
  for (const testCase of parsed.suite.cases) {
    if (filter !== undefined && !testCase.name.toLowerCase().includes(filter)) continue;
    try {
      cases.push(await runCase(testCase, shared));
    } catch (error) {
      // A user-facing driftwatch error (e.g. an unreadable snapshot) fails this case, not the run.
      if (!(error instanceof DriftwatchError)) throw error;
      cases.push({
        name: testCase.name,
        location: testCase.location,
        status: 'error',
        rows: [],
        diagnostics: [err(testCase.location, error.code, error.message)],
      });
    }
  }
  return { file, diagnostics: parsed.diagnostics, cases };
}

/** Runs the given test files (absolute paths) in order. */
export async function runTestFiles(paths: readonly string[], options: RunnerOptions): Promise<TestRun> {
  const shared: Shared = {
    options,
    testValidator: createTestFileValidator(),
    policyValidator: createPolicyValidator(),
    policyCache: new Map(),
  };
  const files: FileResult[] = [];
  for (const path of paths) files.push(await runFile(path, shared));
  const all = files.flatMap((f) => f.cases);
  const summary: TestSummary = {
    files: files.length,
    cases: all.length,
    passed: all.filter((c) => c.status === 'pass').length,
    failed: all.filter((c) => c.status === 'fail').length,
    errors: all.filter((c) => c.status === 'error').length + files.filter((f) => hasError(f.diagnostics)).length,
  };
  const exitCode = summary.failed === 0 && summary.errors === 0 ? 0 : 1;
  return { files, summary, exitCode };
}
