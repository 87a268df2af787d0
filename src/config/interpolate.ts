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
export function interpolateString(
  s: string,
  env: Readonly<Record<string, string | undefined>>,
  refuse: RefuseVariable = () => false,
): InterpolatedString {
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

/**
 * Interpolates every string value (never keys) of a parsed file; problems are located. Only the
 * maps and lists on the way to a changed string are copied, and a file whose strings cannot hold
 * `${` is not walked at all: it comes back as it was read.
 */
export function interpolateTree(
  source: YamlSource,
  env: Readonly<Record<string, string | undefined>>,
  refuse: RefuseVariable = () => false,
): InterpolatedTree {
  const diagnostics: Diagnostic[] = [];
  const substitutions: Substitution[] = [];
  // The path to the node being visited, copied only when a problem is located.
  const path: PathSegment[] = [];
  const walk = (value: JsonValue): JsonValue => {
    if (typeof value === 'string') {
      if (!value.includes('${')) return value;
      // `path` changes as the walk goes on: a refuser reads it during the call only.
      const result = interpolateString(value, env, (name) => refuse(name, path));
      if (result.substitutions) substitutions.push(...result.substitutions);
      for (const message of result.problems) {
        diagnostics.push({ location: source.locate([...path]), message, rule: 'interpolation', severity: 'error' });
      }
      return result.value;
    }
    if (Array.isArray(value)) {
      let out: JsonValue[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = value[i] as JsonValue;
        path.push(i);
        const done = walk(item);
        path.pop();
        if (done !== item) (out ??= [...value])[i] = done;
      }
      return out ?? value;
    }
    if (value !== null && typeof value === 'object') {
      let out: JsonObject | undefined;
      for (const k of Object.keys(value)) {
        const child = value[k] as JsonValue;
        path.push(k);
        const done = walk(child);
        path.pop();
        if (done === child) continue;
        out ??= copyOwn(value);
        Object.defineProperty(out, k, { value: done, enumerable: true, writable: true, configurable: true });
      }
      return out ?? value;
    }
    return value;
  };
  return { value: source.mayHaveDollarBrace ? walk(source.value) : source.value, diagnostics, substitutions };
}

/** A shallow copy keeping every key as data (a key named `__proto__` included) in the same order. */
function copyOwn(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(value))
    Object.defineProperty(out, k, { value: value[k], enumerable: true, writable: true, configurable: true });
  return out;
}
