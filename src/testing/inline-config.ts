import { mapAjvErrors } from '../config/ajv-errors.js';
import { buildState } from '../config/build-state.js';
import { collect } from '../config/collect.js';
import { interpolateTree } from '../config/interpolate.js';
import type { YamlSource } from '../util/load-yaml.js';
import { readCommittedSchema } from '../config/schema.js';
import { SEMANTIC_RULES } from '../config/semantic-rules.js';
import { validateSchema } from '../config/validate-schema.js';
import type { DesiredState } from '../model/desired-state.js';
import type { Diagnostic } from '../model/location.js';
import { formatLocation } from '../model/location.js';

export interface InlineConfigResult {
  readonly state: DesiredState;
  readonly diagnostics: Diagnostic[];
}

/**
 * Validates a configuration written inside a test file with the configuration loader's own
 * phases (interpolation, the JSON Schema, the semantic rules), so an inline configuration means
 * exactly what the same text in a file would; positions stay those of the test file. The one
 * difference: `version` may be omitted, since the test file carries its own.
 * (load-config.ts reads only from disk; this composes its exported phases for in-memory text.)
 */
export function loadInlineConfig(source: YamlSource, env: Readonly<Record<string, string | undefined>>): InlineConfigResult {
  const diagnostics: Diagnostic[] = [];
  const occupied = new Set<string>();
  // A later phase does not repeat what an earlier phase said at the same position.
  const addPhase = (phase: readonly Diagnostic[]): void => {
    const fresh = phase.filter((d) => !occupied.has(formatLocation(d.location)));
    for (const d of fresh) if (d.severity === 'error') occupied.add(formatLocation(d.location));
    diagnostics.push(...fresh);
  };
  const interpolated = interpolateTree(source, env);
  addPhase(interpolated.diagnostics);
  const file = { source, value: interpolated.value };
  const mapped = mapAjvErrors(validateSchema(file.value), source, file.value, readCommittedSchema());
  addPhase(mapped.diagnostics);
  const collected = collect([file], { flagged: mapped.flaggedExpectations });
  const built = buildState(collected);
  const semantic = [...built.diagnostics];
  for (const rule of SEMANTIC_RULES) {
    if (rule.name === 'missing-version') continue;
    semantic.push(...rule.check({ collected, state: built.state }));
  }
  addPhase(semantic);
  diagnostics.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
  return { state: built.state, diagnostics };
}
