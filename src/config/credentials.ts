import type { CredentialSource } from '../model/desired-state.js';
import { CLOUDS, cloudIdentity, cloudOfInstanceRole, cloudOfRef } from '../model/clouds.js';
import type { Cloud } from '../model/clouds.js';
import type { JsonValue } from '../model/json.js';
import type { PathSegment } from '../util/load-yaml.js';
import { suggestion } from '../util/did-you-mean.js';
import { isSecretLikeKey, SECRET_LITERAL_MESSAGE } from './secret-keys.js';
import { ENV_VAR_PATTERN } from './schema.js';
import { parseDuration } from '../util/duration.js';

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

const SHAPES =
  "'env', 'chain', 'oidc', 'ecs_ram_role' (Alibaba), 'cvm_role' (Tencent), { profile: NAME }, { env: { id: VAR, secret: VAR, token: VAR } }, " +
  '{ ecs_ram_role: ROLE }, { cvm_role: ROLE } or { assume_role: { role_arn, session_name, external_id, duration, source } }';
const OBJECT_KEYS = ['profile', 'env', 'assume_role', 'ecs_ram_role', 'cvm_role'];
const ASSUME_KEYS = ['role_arn', 'session_name', 'external_id', 'duration', 'source'];
const ROLE_NAME = /^[A-Za-z0-9.@_+=,-]{1,64}$/;
/** A role ARN as written: `{account}` stands for each account of a fanned-out provider. */
const ROLE_ARN = /^(acs:ram::|qcs::cam::uin\/)(\d+|\{account\})(:role\/|:roleName\/)[A-Za-z0-9.@_+=,-]+$/;

/** A provider reference always names a cloud here: the schema's providers keys are the cloud list. */
function cloudOf(ref: string): Cloud {
  return cloudOfRef(ref) ?? (CLOUDS[0] as Cloud);
}

function instanceRole(
  kind: 'ecs_ram_role' | 'cvm_role',
  roleName: string | undefined,
  ref: string,
  path: readonly PathSegment[],
): ParsedCredentials {
  const cloud = cloudOf(ref);
  const wanted = cloudOfInstanceRole(kind);
  if (cloud !== wanted) {
    const other = cloudIdentity(cloud).instanceRoleSource;
    return {
      source: undefined,
      problems: [
        { path, part: 'value', message: `${kind} is for ${wanted} providers; provider ${ref} uses ${other} for its instance role` },
      ],
    };
  }
  return { source: { kind, ...(roleName !== undefined ? { roleName } : {}) }, problems: [] };
}

/** `duration`: `15m` … `12h` (the vendors' 900–43200 s), or a number of seconds. */
function durationSeconds(value: JsonValue): number | undefined {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' ? (parseDuration(value) ?? NaN) / 1000 : NaN;
  return Number.isInteger(seconds) && seconds >= 900 && seconds <= 43_200 ? seconds : undefined;
}

function parseAssumeRole(value: JsonValue | undefined, ref: string, depth: number): ParsedCredentials {
  const here = ['assume_role'];
  const invalid = (message: string, path: readonly PathSegment[] = here, part: 'key' | 'value' = 'value'): ParsedCredentials => ({
    source: undefined,
    problems: [{ path, part, message }],
  });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return invalid(`credentials.assume_role of provider ${ref} must be a map { role_arn, session_name, external_id, duration, source }`);
  }
  const problems: CredentialsProblem[] = [];
  for (const key of Object.keys(value)) {
    if (!ASSUME_KEYS.includes(key) && !isSecretLikeKey(key)) {
      problems.push({
        path: [...here, key],
        part: 'key',
        message: `unknown key '${key}' in credentials.assume_role of provider ${ref}${suggestion(key, ASSUME_KEYS)}`,
      });
    }
  }
  const roleArn = value.role_arn;
  const cloud = cloudOf(ref);
  const arn = cloudIdentity(cloud).roleArn;
  if (typeof roleArn !== 'string' || !ROLE_ARN.test(roleArn) || !roleArn.startsWith(arn.prefix)) {
    const example = arn.example;
    problems.push({
      path: typeof roleArn === 'string' ? [...here, 'role_arn'] : here,
      part: 'value',
      message: `credentials.assume_role.role_arn of provider ${ref} must be a role ARN like ${example} ({account} for each fanned-out account)`,
    });
  }
  const sessionName = value.session_name;
  if (sessionName !== undefined && (typeof sessionName !== 'string' || !/^[A-Za-z0-9.@_=,-]{2,64}$/.test(sessionName))) {
    problems.push({
      path: [...here, 'session_name'],
      part: 'value',
      message: `credentials.assume_role.session_name of provider ${ref} must be 2-64 letters, digits or . @ - _`,
    });
  }
  const externalId = value.external_id;
  if (externalId !== undefined && (typeof externalId !== 'string' || !/^[A-Za-z0-9.@:/=,_-]{2,1224}$/.test(externalId))) {
    problems.push({
      path: [...here, 'external_id'],
      part: 'value',
      message: `credentials.assume_role.external_id of provider ${ref} must be 2-1224 letters, digits or . @ : / = , _ -`,
    });
  }
  const duration = value.duration === undefined ? undefined : durationSeconds(value.duration);
  if (value.duration !== undefined && duration === undefined) {
    problems.push({
      path: [...here, 'duration'],
      part: 'value',
      message: `credentials.assume_role.duration of provider ${ref} must be 15m to 12h (or 900 to 43200 seconds)`,
    });
  }
  let source: CredentialSource = { kind: 'chain' };
  if (value.source !== undefined) {
    if (depth >= 4) {
      problems.push({
        path: [...here, 'source'],
        part: 'value',
        message: `credentials of provider ${ref} nest assume_role more than 4 deep`,
      });
    } else {
      const inner = parseCredentialsAt(value.source, ref, depth + 1);
      problems.push(...inner.problems.map((p) => ({ ...p, path: [...here, 'source', ...p.path] })));
      if (inner.source) source = inner.source;
    }
  }
  if (problems.length > 0) return { source: undefined, problems };
  return {
    source: {
      kind: 'assume_role',
      roleArn: roleArn as string,
      ...(typeof sessionName === 'string' ? { sessionName } : {}),
      ...(typeof externalId === 'string' ? { externalId } : {}),
      ...(duration !== undefined ? { durationSeconds: duration } : {}),
      source,
    },
    problems: [],
  };
}
const ENV_VAR = new RegExp(ENV_VAR_PATTERN);

/**
 * Reads a provider's `credentials` value. Values are never echoed in messages: a misplaced
 * secret must not be printed back to the terminal or a CI log.
 */
export function parseCredentials(value: JsonValue | undefined, ref: string): ParsedCredentials {
  return parseCredentialsAt(value, ref, 0);
}

function parseCredentialsAt(value: JsonValue | undefined, ref: string, depth: number): ParsedCredentials {
  if (value === undefined) return { source: { kind: 'chain' }, problems: [] };
  if (value === 'env') return { source: { kind: 'env' }, problems: [] };
  if (value === 'chain') return { source: { kind: 'chain' }, problems: [] };
  if (value === 'oidc') return { source: { kind: 'oidc' }, problems: [] };
  if (value === 'ecs_ram_role' || value === 'cvm_role') return instanceRole(value, undefined, ref, []);
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
    if (!OBJECT_KEYS.includes(key)) {
      problems.push({
        path: [key],
        part: 'key',
        message: `unknown key '${key}' in credentials of provider ${ref}${suggestion(key, OBJECT_KEYS)}`,
      });
    }
  }
  const given = keys.filter((k) => OBJECT_KEYS.includes(k));
  if (given.length > 1) {
    problems.push({
      path: [],
      part: 'value',
      message: `credentials of provider ${ref} take one of ${OBJECT_KEYS.join(', ')}, not ${given.join(' and ')}`,
    });
  }
  if (problems.length > 0) return { source: undefined, problems };
  if ('assume_role' in value) return parseAssumeRole(value.assume_role, ref, depth);
  for (const kind of ['ecs_ram_role', 'cvm_role'] as const) {
    if (!(kind in value)) continue;
    const role = value[kind];
    if (typeof role !== 'string' || !ROLE_NAME.test(role))
      return invalid(`credentials.${kind} of provider ${ref} must be a role name`, [kind]);
    return instanceRole(kind, role, ref, [kind]);
  }
  const profile = value.profile;
  if (profile !== undefined) {
    if (typeof profile !== 'string' || profile.trim() === '')
      return invalid(`credentials.profile of provider ${ref} must be a profile name`, ['profile']);
    return { source: { kind: 'profile', profile }, problems: [] };
  }
  const env = value.env;
  if (env === null || typeof env !== 'object' || Array.isArray(env)) {
    return invalid(`credentials.env of provider ${ref} must be a map { id: VAR, secret: VAR, token: VAR }`, ['env']);
  }
  for (const key of Object.keys(env)) {
    // Secret-looking keys are the credentials-literal rule's to report.
    if (key !== 'id' && key !== 'secret' && key !== 'token' && !isSecretLikeKey(key)) {
      problems.push({
        path: ['env', key],
        part: 'key',
        message: `unknown key '${key}' in credentials.env of provider ${ref}${suggestion(key, ['id', 'secret', 'token'])}`,
      });
    }
  }
  const names: Partial<Record<'id' | 'secret' | 'token', string>> = {};
  for (const field of ['id', 'secret', 'token'] as const) {
    const v = env[field];
    if (v === undefined) {
      if (field !== 'token')
        problems.push({
          path: ['env'],
          part: 'value',
          message: `credentials.env of provider ${ref} needs '${field}': the name of an environment variable`,
        });
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
