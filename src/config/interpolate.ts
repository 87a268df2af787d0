import type { JsonObject, JsonValue } from '../model/json.js';
import type { Diagnostic } from '../model/location.js';
import type { PathSegment, YamlSource } from '../util/load-yaml.js';

export interface InterpolatedString {
  readonly value: string;
  readonly problems: readonly string[];
  /** Each variable used and the value it gave, so that messages can show the name instead. */
  readonly substitutions?: readonly Substitution[];
}

export interface Substitution {
  readonly name: string;
  readonly value: string;
}

/** Which variables `${env.NAME}` may not read (credential variables) at `path`; none by default. */
export type RefuseVariable = (name: string, path?: readonly PathSegment[]) => boolean;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Expands `${env.NAME}` in one string. `$${` is a literal `${`. Anything else inside `${…}` is
 * a problem rather than passed through, so a typo such as `${ENV.X}` cannot reach a cloud API.
 */
export function interpolateString(s: string, env: Readonly<Record<string, string | undefined>>, refuse: RefuseVariable = () => false): InterpolatedString {
  if (!s.includes('${')) return { value: s, problems: [] };
  const problems: string[] = [];
  const substitutions: Substitution[] = [];
  let out = '';
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (s.startsWith('${', i)) {
      const end = s.indexOf('}', i + 2);
      if (end < 0) {
        problems.push(`unterminated interpolation '${s.slice(i)}'; write \${env.NAME}, or $\${ for a literal \${`);
        out += s.slice(i);
        break;
      }
      const expr = s.slice(i + 2, end).trim();
      const name = expr.startsWith('env.') ? expr.slice(4) : undefined;
      if (name === undefined || !NAME.test(name)) {
        problems.push(`unsupported interpolation '\${${expr}}'; only \${env.NAME} is supported ($\${ for a literal \${)`);
      } else if (refuse(name)) {
        // A configuration value reaches reports, SARIF and evidence: a secret must never be one.
        problems.push(
          `\${env.${name}} names a credential variable; credentials are never interpolated into the configuration: name the source instead (credentials: { env: { id: VAR, secret: VAR } })`,
        );
      } else {
        const value = env[name];
        if (value === undefined) problems.push(`environment variable '${name}' is not set (used as \${env.${name}})`);
        else {
          out += value;
          substitutions.push({ name, value });
        }
      }
      i = end + 1;
      continue;
    }
    out += s[i];
    i += 1;
  }
  return { value: out, problems, ...(substitutions.length > 0 ? { substitutions } : {}) };
}

export interface InterpolatedTree {
  readonly value: JsonValue;
  readonly diagnostics: Diagnostic[];
  readonly substitutions: Substitution[];
}

/** Interpolates every string value (never keys) of a parsed file; problems are located. */
export function interpolateTree(source: YamlSource, env: Readonly<Record<string, string | undefined>>, refuse: RefuseVariable = () => false): InterpolatedTree {
  const diagnostics: Diagnostic[] = [];
  const substitutions: Substitution[] = [];
  const walk = (value: JsonValue, path: PathSegment[]): JsonValue => {
    if (typeof value === 'string') {
      const result = interpolateString(value, env, (name) => refuse(name, path));
      if (result.substitutions) substitutions.push(...result.substitutions);
      for (const message of result.problems) {
        diagnostics.push({ location: source.locate(path), message, rule: 'interpolation', severity: 'error' });
      }
      return result.value;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (value !== null && typeof value === 'object') {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) {
        Object.defineProperty(out, k, { value: walk(v, [...path, k]), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return value;
  };
  return { value: walk(source.value, []), diagnostics, substitutions };
}
