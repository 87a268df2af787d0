import type { CredentialSource } from '../model/desired-state.js';
import type { JsonValue } from '../model/json.js';
import type { PathSegment } from './load-yaml.js';
import { suggestion } from './did-you-mean.js';
import { isSecretLikeKey, SECRET_LITERAL_MESSAGE } from './secret-keys.js';
import { ENV_VAR_PATTERN } from './schema.js';

export interface CredentialsProblem {
  /** Relative to the `credentials` node. */
  readonly path: readonly PathSegment[];
  readonly part: 'key' | 'value';
  readonly message: string;
}

export interface ParsedCredentials {
  /** Undefined when the value is invalid (see problems) — never a silent fallback to the chain. */
  readonly source: CredentialSource | undefined;
  readonly problems: readonly CredentialsProblem[];
}

const SHAPES = "'env', 'chain', { profile: NAME } or { env: { id: VAR, secret: VAR, token: VAR } }";
const ENV_VAR = new RegExp(ENV_VAR_PATTERN);

/**
 * Reads a provider's `credentials` value. Values are never echoed in messages: a misplaced
 * secret must not be printed back to the terminal or a CI log.
 */
export function parseCredentials(value: JsonValue | undefined, ref: string): ParsedCredentials {
  if (value === undefined) return { source: { kind: 'chain' }, problems: [] };
  if (value === 'env') return { source: { kind: 'env' }, problems: [] };
  if (value === 'chain') return { source: { kind: 'chain' }, problems: [] };
  const invalid = (message: string, path: readonly PathSegment[] = [], part: 'key' | 'value' = 'value'): ParsedCredentials => ({
    source: undefined,
    problems: [{ path, part, message }],
  });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return invalid(`credentials of provider ${ref} must be ${SHAPES}`);
  }
  const keys = Object.keys(value);
  // Reported by the credentials-literal rule, with the reason.
  if (keys.some(isSecretLikeKey)) return { source: undefined, problems: [] };
  const problems: CredentialsProblem[] = [];
  for (const key of keys) {
    if (key !== 'profile' && key !== 'env') {
      problems.push({ path: [key], part: 'key', message: `unknown key '${key}' in credentials of provider ${ref}${suggestion(key, ['profile', 'env'])}` });
    }
  }
  if ('profile' in value && 'env' in value) {
    problems.push({ path: [], part: 'value', message: `credentials of provider ${ref} take either 'profile' or 'env', not both` });
  }
  if (problems.length > 0) return { source: undefined, problems };
  const profile = value.profile;
  if (profile !== undefined) {
    if (typeof profile !== 'string' || profile.trim() === '') return invalid(`credentials.profile of provider ${ref} must be a profile name`, ['profile']);
    return { source: { kind: 'profile', profile }, problems: [] };
  }
  const env = value.env;
  if (env === null || typeof env !== 'object' || Array.isArray(env)) {
    return invalid(`credentials.env of provider ${ref} must be a map { id: VAR, secret: VAR, token: VAR }`, ['env']);
  }
  for (const key of Object.keys(env)) {
    // Secret-looking keys are the credentials-literal rule's to report.
    if (key !== 'id' && key !== 'secret' && key !== 'token' && !isSecretLikeKey(key)) {
      problems.push({ path: ['env', key], part: 'key', message: `unknown key '${key}' in credentials.env of provider ${ref}${suggestion(key, ['id', 'secret', 'token'])}` });
    }
  }
  const names: Partial<Record<'id' | 'secret' | 'token', string>> = {};
  for (const field of ['id', 'secret', 'token'] as const) {
    const v = env[field];
    if (v === undefined) {
      if (field !== 'token') problems.push({ path: ['env'], part: 'value', message: `credentials.env of provider ${ref} needs '${field}': the name of an environment variable` });
      continue;
    }
    if (typeof v !== 'string' || !ENV_VAR.test(v)) {
      problems.push({
        path: ['env', field],
        part: 'value',
        message: `credentials.env.${field} of provider ${ref} must name an environment variable (e.g. TENCENTCLOUD_SECRET_KEY); ${SECRET_LITERAL_MESSAGE}`,
      });
      continue;
    }
    names[field] = v;
  }
  if (problems.length > 0) return { source: undefined, problems };
  return { source: { kind: 'env', ...names }, problems: [] };
}
