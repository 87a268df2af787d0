/**
 * The world file: the simulated cloud state (design.md §7, docs/simulator.md). Read with positions
 * (`yaml`), validated by the JSON Schema (ajv) and then by a few semantic rules, with every problem
 * reported at once as `file:line:column: message` through an InputError.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { didYouMean } from '../util/did-you-mean.js';
import { pointerToPath } from '../util/load-yaml.js';
import { InputError, IoError } from '../model/errors.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import { isJsonObject } from '../model/json.js';
import type { Diagnostic } from '../model/location.js';
import { BUILTIN_TYPES } from '../resources/registry.js';
import type { TypeRegistry } from '../resources/registry.js';
import { apisOf } from './apis.js';
import type { ApiName, ApiSpec } from './apis.js';
import type { RateLimitWindow } from './rate-limit.js';
import { WORLD_SCHEMA, buildWorldSchema } from './world-schema.js';
import { CLOUDS, isCloud } from '../model/clouds.js';
import type { Cloud } from '../model/clouds.js';
import { cloudSimulator } from './clouds.js';

export interface ForcedError {
  readonly code: string;
  readonly message?: string;
  readonly httpStatus?: number;
}

/** A vendor object of the world: the fields the API returns, verbatim, and an optional forced error. */
export interface VendorResource {
  readonly fields: JsonObject;
  readonly forceError?: ForcedError;
}

export interface AlibabaKmsInstance extends VendorResource {
  readonly region: string;
  readonly instanceId: string;
  readonly arn: string;
  /** Released: GetKmsInstance answers HTTP 200 with an empty `KmsInstance.InstanceId`; not listed. */
  readonly released: boolean;
}

/** Where a private CA lives when the world does not say: a mainland region, served at cas.aliyuncs.com. */
const DEFAULT_CA_REGION = 'cn-hangzhou';

export interface AlibabaCaInstance extends VendorResource {
  readonly instanceId: string;
  /** The region whose CAS host serves it (cas.aliyuncs.com or cas.<region>.aliyuncs.com). */
  readonly region: string;
}

/**
 * A role others may assume (STS) in an account: who it trusts, the external id it demands, and how
 * long the credentials it hands out live (short lifetimes let tests see them expire mid-run).
 */
export interface WorldRole {
  readonly name: string;
  /** Account ids (Alibaba uid, Tencent uin) whose credentials may call AssumeRole on it. */
  readonly trustedAccounts: readonly string[];
  /** OIDC provider ARNs (Alibaba) / identity provider ids (Tencent) whose tokens it accepts. */
  readonly oidcProviders: readonly string[];
  readonly externalId?: string;
  /** Caps the session length the caller asks for (default: what was asked, 900–43200 s). */
  readonly sessionSeconds?: number;
}

/** The instance role the ECS / CVM metadata service hands out. */
export interface InstanceRole {
  /** Account id (uid / uin) of a world account. */
  readonly account: string;
  readonly role: string;
  readonly sessionSeconds: number;
  /** ECS hardened mode: refuse reads without a metadata token. */
  readonly requireToken: boolean;
}

/** A credentials URI the simulator serves at `/credentials-uri/<name>` (Alibaba ALIBABA_CLOUD_CREDENTIALS_URI). */
export interface CredentialsUriService {
  /** Account id (uid) of a world account: the credentials act in it. */
  readonly account: string;
  readonly sessionSeconds: number;
  /** `session`: a fresh STS session per request; `keys`: the account's own keys and security token. */
  readonly answer: 'session' | 'keys';
}

/** CloudSSO's `/cloud-credentials`: the sign-in token it accepts and the access configurations it grants. */
export interface CloudSsoService {
  readonly accessToken: string;
  readonly accessConfigurations: readonly string[];
  readonly sessionSeconds: number;
}

/**
 * A resource type's objects in one account, as its world declaration shapes them: per region,
 * one, or a list of instances (src/resources/<type>/index.ts, `world`).
 */
export type TypeObjects =
  | { readonly shape: 'by-region'; readonly byRegion: ReadonlyMap<string, VendorResource> }
  | { readonly shape: 'single'; readonly object: VendorResource }
  | { readonly shape: 'list'; readonly list: readonly (VendorResource & { readonly instanceId: string; readonly region?: string })[] };

export interface TencentAccount {
  readonly cloud: 'tencentcloud';
  /** Account id in role ARNs (`qcs::cam::uin/<uin>:roleName/…`). */
  readonly uin: string;
  readonly roles: readonly WorldRole[];
  /** Label in logs and stats; defaults to the secret id. */
  readonly name: string;
  readonly secretId: string;
  readonly secretKey: string;
  readonly securityToken?: string;
  /** GetServiceStatus body per region. */
  readonly kms: ReadonlyMap<string, VendorResource>;
  /** DescribePurchaseStateInfo body. */
  readonly tcss?: VendorResource;
  /** Every resource type's objects by type name, as declared (the built-in handlers read the fields above). */
  readonly objects: ReadonlyMap<string, TypeObjects>;
  readonly errors: Readonly<Partial<Record<ApiName, ForcedError>>>;
}

export interface AlibabaAccount {
  readonly cloud: 'alicloud';
  readonly name: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
  /** Account id in ARNs. */
  readonly uid: string;
  readonly roles: readonly WorldRole[];
  readonly kmsInstances: readonly AlibabaKmsInstance[];
  readonly caInstances: readonly AlibabaCaInstance[];
  readonly objects: ReadonlyMap<string, TypeObjects>;
  readonly errors: Readonly<Partial<Record<ApiName, ForcedError>>>;
}

export type WorldAccount = TencentAccount | AlibabaAccount;

export interface Faults {
  readonly seed: number;
  readonly latencyMs: readonly [number, number];
  readonly errorRate: number;
  readonly resetRate: number;
  readonly hangRate: number;
  readonly malformedRate: number;
  readonly nullRate: number;
  readonly duplicateRate: number;
}

export interface World {
  /** The resource types the world was read for (default: the built-in ones). */
  readonly types: TypeRegistry;
  /** The APIs it answers: the types' APIs and STS. */
  readonly apis: readonly ApiSpec[];
  readonly accounts: readonly WorldAccount[];
  /** Requests per second per account and API. */
  readonly limits: Readonly<Record<ApiName, number>>;
  /** How `limits` are metered: a token bucket per second (default) or fixed calendar seconds (issue 17). */
  readonly rateLimitWindow: RateLimitWindow;
  readonly faults: Faults;
  /** Server clock offset from the injected/wall clock, in seconds. */
  readonly clock: { readonly skewSeconds: number };
  /** Instance metadata: the role an ECS / CVM instance of the world has. */
  readonly metadata: { readonly ecs?: InstanceRole; readonly cvm?: InstanceRole };
  /** Credential services the vendors' tools read over HTTP (issue 13): credentials URIs by name, CloudSSO. */
  readonly credentialServices: { readonly credentialsUri: ReadonlyMap<string, CredentialsUriService>; readonly cloudSso?: CloudSsoService };
}

const DEFAULT_FAULTS: Faults = {
  seed: 1,
  latencyMs: [0, 0],
  errorRate: 0,
  resetRate: 0,
  hangRate: 0,
  malformedRate: 0,
  nullRate: 0,
  duplicateRate: 0,
};

type Locate = (path: readonly (string | number)[], key?: boolean) => { line: number; column: number };

function compileValidator(schema: Record<string, unknown> = WORLD_SCHEMA): (data: unknown) => readonly ErrorObject[] {
  // Startup time: each shared definition compiled once (inlineRefs: false), no optimisation passes.
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    strictTypes: false,
    discriminator: true,
    inlineRefs: false,
    code: { optimize: false },
  });
  const validate = ajv.compile(schema);
  return (data) => (validate(data) ? [] : [...(validate.errors ?? [])]);
}

function suggestion(word: string, candidates: readonly string[]): string {
  const match = didYouMean(word, candidates);
  return match === undefined ? '' : ` (did you mean '${match}'?)`;
}

function describePath(path: readonly (string | number)[]): string {
  return path.length === 0
    ? 'the world file'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
        .join('')
        .replace(/^\./, '');
}

function schemaMessage(error: ErrorObject): { message: string; atKey: boolean; extra?: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const allowed = Object.keys(parent?.properties ?? {});
      return { message: `unknown key '${key}'${suggestion(key, allowed)}`, atKey: true, extra: key };
    }
    case 'propertyNames': {
      const name = String(params.propertyName);
      return { message: `'${name}' is not allowed here`, atKey: true, extra: name };
    }
    case 'required':
      return { message: `missing required key '${String(params.missingProperty)}'`, atKey: false };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[] | undefined)?.map(String) ?? [];
      return { message: `must be one of: ${allowed.join(', ')}`, atKey: false };
    }
    case 'type': {
      const types = Array.isArray(params.type) ? params.type.map(String) : [String(params.type)];
      return { message: `must be ${types.join(' or ')}`, atKey: false };
    }
    case 'const':
      return { message: `must be ${JSON.stringify(params.allowedValue)}`, atKey: false };
    case 'not':
      // The only `not` in the world schema: a forced error's http_status.
      return { message: 'must be 200 or between 400 and 599', atKey: false };
    case 'discriminator':
      return { message: `'cloud' must be tencentcloud or alicloud`, atKey: false };
    default:
      return { message: error.message ?? `is invalid (${error.keyword})`, atKey: false };
  }
}

/** ajv reports both branches of a `oneOf`; keep the most specific errors of the forced-error shape. */
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'oneOf' || error.keyword === 'if') continue;
    const key = `${error.instancePath}|${error.keyword}|${JSON.stringify(error.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(error);
  }
  // A forced error is a string or an object; when both branches fail, say that once.
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of out) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  const merged = new Set<string>();
  return out.flatMap((e) => {
    // An unknown `cloud` is reported by its enum; the discriminator's own error would repeat it.
    if (e.keyword === 'discriminator' && byPath.has(`${e.instancePath}/cloud`)) return [];
    const siblings = byPath.get(e.instancePath) ?? [];
    if (e.keyword !== 'type') return [e];
    if (siblings.some((s) => s.keyword !== 'type')) return [];
    // Both branches of a forced error failed on type: one message, "must be string or object".
    if (merged.has(e.instancePath)) return [];
    merged.add(e.instancePath);
    const types = siblings.flatMap((s) => {
      const t = (s.params as { type?: unknown }).type;
      return Array.isArray(t) ? t.map(String) : [String(t)];
    });
    return [{ ...e, params: { type: [...new Set(types)] } }];
  });
}

/** Compiled once per process (ajv compilation costs far more than validating a world). */
const validateWorldSchema = compileValidator();

function schemaDiagnostics(data: unknown, file: string, locate: Locate, types: TypeRegistry): Diagnostic[] {
  // A world for other resource types (a test's fixture type) compiles its own schema.
  const validate = types.builtin ? validateWorldSchema : compileValidator(buildWorldSchema(types));
  return relevantErrors(validate(data)).map((error) => {
    const path = pointerToPath(error.instancePath, data);
    const { message, atKey, extra } = schemaMessage(error);
    const where = atKey && extra !== undefined ? locate([...path, extra], true) : locate(path);
    return {
      location: { file, ...where },
      message: `${describePath(path)}: ${message}`,
      rule: 'schema',
      severity: 'error' as const,
    };
  });
}

function forcedError(value: JsonValue | undefined): ForcedError | undefined {
  if (typeof value === 'string') return { code: value };
  if (!isJsonObject(value) || typeof value.code !== 'string') return undefined;
  return {
    code: value.code,
    ...(typeof value.message === 'string' ? { message: value.message } : {}),
    ...(typeof value.http_status === 'number' ? { httpStatus: value.http_status } : {}),
  };
}

/** Vendor fields only: the lower-case simulator keys (`region`, `force_error`) are not part of any answer. */
function vendorResource(value: JsonObject, omit: readonly string[] = []): VendorResource {
  const fields: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (/^[A-Z]/.test(k) && !omit.includes(k)) fields[k] = v;
  }
  const fe = forcedError(value.force_error);
  return fe ? { fields, forceError: fe } : { fields };
}

function accountErrors(value: JsonValue | undefined, types: TypeRegistry): Partial<Record<ApiName, ForcedError>> {
  const out: Partial<Record<ApiName, ForcedError>> = {};
  if (!isJsonObject(value)) return out;
  for (const api of apisOf(types)) {
    const fe = forcedError(value[api.name]);
    if (fe) out[api.name] = fe;
  }
  return out;
}

/** A stable 16-digit account id derived from the key id, for ARNs when the world gives no `uid`. */
function derivedUid(accessKeyId: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(accessKeyId).digest('hex').slice(0, 16)}`).toString();
  return digits.padStart(16, '1').slice(-16);
}

/** Only called after schema validation, so a non-string here is a bug, not bad input. */
function text(value: JsonValue | undefined): string {
  if (typeof value !== 'string') throw new TypeError('world: expected a validated string');
  return value;
}

function buildRoles(value: JsonValue | undefined): WorldRole[] {
  const strings = (v: JsonValue | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return (Array.isArray(value) ? value.filter(isJsonObject) : []).map((r) => ({
    name: text(r.name),
    trustedAccounts: strings(r.trusted_accounts),
    oidcProviders: strings(r.oidc_providers),
    ...(typeof r.external_id === 'string' ? { externalId: r.external_id } : {}),
    ...(typeof r.session_seconds === 'number' ? { sessionSeconds: r.session_seconds } : {}),
  }));
}

function buildInstanceRole(value: JsonValue | undefined): InstanceRole | undefined {
  if (!isJsonObject(value)) return undefined;
  return {
    account: text(value.account),
    role: text(value.role),
    sessionSeconds: typeof value.session_seconds === 'number' ? value.session_seconds : 3600,
    requireToken: value.require_token === true,
  };
}

function buildCredentialServices(data: JsonObject): World['credentialServices'] {
  const uris = isJsonObject(data.credentials_uri) ? data.credentials_uri : {};
  const credentialsUri = new Map<string, CredentialsUriService>();
  for (const [name, value] of Object.entries(uris)) {
    if (!isJsonObject(value)) continue;
    credentialsUri.set(name, {
      account: text(value.account),
      sessionSeconds: typeof value.session_seconds === 'number' ? value.session_seconds : 3600,
      answer: value.answer === 'keys' ? 'keys' : 'session',
    });
  }
  const sso = data.cloud_sso;
  const cloudSso: CloudSsoService | undefined = isJsonObject(sso)
    ? {
        accessToken: text(sso.access_token),
        accessConfigurations: Array.isArray(sso.access_configurations)
          ? sso.access_configurations.filter((c): c is string => typeof c === 'string')
          : [],
        sessionSeconds: typeof sso.session_seconds === 'number' ? sso.session_seconds : 3600,
      }
    : undefined;
  return { credentialsUri, ...(cloudSso ? { cloudSso } : {}) };
}

/** Each type's objects of one account, as its world declaration shapes them. */
function typeObjects(raw: JsonObject, types: TypeRegistry): Map<string, TypeObjects> {
  const out = new Map<string, TypeObjects>();
  for (const { spec, declaration } of types.types) {
    if (spec.cloud !== raw.cloud) continue;
    const world = declaration.world;
    const value = raw[world.key];
    if (world.shape === 'by-region') {
      const byRegion = new Map<string, VendorResource>();
      if (isJsonObject(value))
        for (const [region, body] of Object.entries(value)) if (isJsonObject(body)) byRegion.set(region, vendorResource(body));
      out.set(spec.name, { shape: 'by-region', byRegion });
    } else if (world.shape === 'single') {
      if (isJsonObject(value)) out.set(spec.name, { shape: 'single', object: vendorResource(value) });
    } else {
      const list = (Array.isArray(value) ? value.filter(isJsonObject) : []).map((item) => ({
        ...vendorResource(item),
        instanceId: text(item.InstanceId),
        ...(typeof item.region === 'string' ? { region: item.region } : {}),
      }));
      out.set(spec.name, { shape: 'list', list });
    }
  }
  return out;
}

/** What every account has, whatever its cloud. */
export interface AccountCommon {
  readonly name: string | undefined;
  readonly token: { readonly securityToken?: string };
  readonly roles: readonly WorldRole[];
  readonly objects: Map<string, TypeObjects>;
  readonly errors: WorldAccount['errors'];
}

/** The cloud an account of a validated world belongs to (the schema allows only the clouds; the last takes the rest). */
function accountCloud(raw: JsonObject): Cloud {
  return typeof raw.cloud === 'string' && isCloud(raw.cloud) ? raw.cloud : (CLOUDS[CLOUDS.length - 1] as Cloud);
}

function buildAccount(raw: JsonObject, types: TypeRegistry): WorldAccount {
  const name = typeof raw.name === 'string' ? raw.name : undefined;
  const token = typeof raw.security_token === 'string' ? { securityToken: raw.security_token } : {};
  const roles = buildRoles(raw.roles);
  return cloudSimulator(accountCloud(raw)).parseAccount(raw, {
    name,
    token,
    roles,
    objects: typeObjects(raw, types),
    errors: accountErrors(raw.errors, types),
  });
}

/** A Tencent Cloud account of the world file (its simulator's parseAccount). */
export function buildTencentAccount(raw: JsonObject, { name, token, roles, objects, errors }: AccountCommon): TencentAccount {
  const secretId = text(raw.secret_id);
  const kms = new Map<string, VendorResource>();
  if (isJsonObject(raw.kms)) {
    for (const [region, body] of Object.entries(raw.kms)) if (isJsonObject(body)) kms.set(region, vendorResource(body));
  }
  return {
    cloud: 'tencentcloud',
    name: name ?? secretId,
    uin: typeof raw.uin === 'string' ? raw.uin : derivedUid(secretId).slice(-12),
    roles,
    secretId,
    secretKey: text(raw.secret_key),
    ...token,
    kms,
    ...(isJsonObject(raw.tcss) ? { tcss: vendorResource(raw.tcss) } : {}),
    objects,
    errors,
  };
}

/** An Alibaba Cloud account of the world file (its simulator's parseAccount). */
export function buildAlibabaAccount(raw: JsonObject, { name, token, roles, objects, errors }: AccountCommon): AlibabaAccount {
  const accessKeyId = text(raw.access_key_id);
  const uid = typeof raw.uid === 'string' ? raw.uid : derivedUid(accessKeyId);
  const list = (value: JsonValue | undefined): JsonObject[] => (Array.isArray(value) ? value.filter(isJsonObject) : []);
  return {
    cloud: 'alicloud',
    name: name ?? accessKeyId,
    accessKeyId,
    accessKeySecret: text(raw.access_key_secret),
    ...token,
    uid,
    roles,
    kmsInstances: list(raw.kms_instances).map((item) => {
      const region = text(item.region);
      const instanceId = text(item.InstanceId);
      const arn = typeof item.KmsInstanceArn === 'string' ? item.KmsInstanceArn : `acs:kms:${region}:${uid}:instance/${instanceId}`;
      return { ...vendorResource(item, ['KmsInstanceArn']), region, instanceId, arn, released: item.released === true };
    }),
    caInstances: list(raw.ca_instances).map((item) => ({
      ...vendorResource(item),
      instanceId: text(item.InstanceId),
      region: typeof item.region === 'string' ? item.region : DEFAULT_CA_REGION,
    })),
    objects,
    errors,
  };
}

function semanticDiagnostics(data: JsonObject, file: string, locate: Locate, types: TypeRegistry): Diagnostic[] {
  const out: Diagnostic[] = [];
  const problem = (path: (string | number)[], message: string, rule: string): void => {
    out.push({ location: { file, ...locate(path) }, message: `${describePath(path)}: ${message}`, rule, severity: 'error' });
  };
  const accounts = Array.isArray(data.accounts) ? data.accounts : [];
  const keyIds = new Map<string, number>();
  accounts.forEach((account, index) => {
    if (!isJsonObject(account)) return;
    const cloud = accountCloud(account);
    const idKey = cloudSimulator(cloud).worldKeyField;
    const id = account[idKey];
    if (typeof id === 'string') {
      const other = keyIds.get(`${cloud}\n${id}`);
      if (other !== undefined)
        problem(['accounts', index, idKey], `duplicate key id '${id}' (also accounts[${other}])`, 'duplicate-key-id');
      else keyIds.set(`${cloud}\n${id}`, index);
    }
    for (const listKey of types.types.filter((t) => t.declaration.world.shape === 'list').map((t) => t.declaration.world.key)) {
      const items = account[listKey];
      if (!Array.isArray(items)) continue;
      const ids = new Map<string, number>();
      items.forEach((item, i) => {
        if (!isJsonObject(item) || typeof item.InstanceId !== 'string') return;
        const first = ids.get(item.InstanceId);
        if (first !== undefined) {
          problem(
            ['accounts', index, listKey, i, 'InstanceId'],
            `duplicate InstanceId '${item.InstanceId}' (also ${listKey}[${first}])`,
            'duplicate-instance',
          );
        } else ids.set(item.InstanceId, i);
      });
    }
  });
  const faults = data.faults;
  if (isJsonObject(faults) && Array.isArray(faults.latency_ms)) {
    const [min, max] = faults.latency_ms;
    if (typeof min === 'number' && typeof max === 'number' && min > max) {
      problem(['faults', 'latency_ms'], `minimum ${min} is greater than maximum ${max}`, 'latency-range');
    }
  }
  return out;
}

function buildWorld(data: JsonObject, types: TypeRegistry): World {
  const apis = apisOf(types);
  const limits = Object.fromEntries(apis.map((api) => [api.name, api.defaultQps])) as Record<ApiName, number>;
  if (isJsonObject(data.limits)) {
    for (const api of apis) {
      const value = data.limits[api.name];
      if (typeof value === 'number') limits[api.name] = value;
    }
  }
  const f = isJsonObject(data.faults) ? data.faults : {};
  const num = (key: string, fallback: number): number => (typeof f[key] === 'number' ? f[key] : fallback);
  const latency = Array.isArray(f.latency_ms) ? f.latency_ms : [];
  const faults: Faults = {
    seed: num('seed', DEFAULT_FAULTS.seed),
    latencyMs: [typeof latency[0] === 'number' ? latency[0] : 0, typeof latency[1] === 'number' ? latency[1] : 0],
    errorRate: num('error_rate', 0),
    resetRate: num('reset_rate', 0),
    hangRate: num('hang_rate', 0),
    malformedRate: num('malformed_rate', 0),
    nullRate: num('null_rate', 0),
    duplicateRate: num('duplicate_rate', 0),
  };
  const clock = isJsonObject(data.clock) && typeof data.clock.skew_seconds === 'number' ? data.clock.skew_seconds : 0;
  const accounts = (Array.isArray(data.accounts) ? data.accounts : []).filter(isJsonObject).map((a) => buildAccount(a, types));
  const md = isJsonObject(data.metadata) ? data.metadata : {};
  const ecs = buildInstanceRole(md.ecs_ram_role);
  const cvm = buildInstanceRole(md.cvm_role);
  const rateLimitWindow: RateLimitWindow = data.rate_limit_window === 'fixed' ? 'fixed' : 'token_bucket';
  return {
    types,
    apis,
    accounts,
    limits,
    rateLimitWindow,
    faults,
    clock: { skewSeconds: clock },
    metadata: { ...(ecs ? { ecs } : {}), ...(cvm ? { cvm } : {}) },
    credentialServices: buildCredentialServices(data),
  };
}

function validateAndBuild(data: unknown, file: string, locate: Locate, types: TypeRegistry): World {
  const diagnostics = schemaDiagnostics(data, file, locate, types);
  if (diagnostics.length === 0 && isJsonObject(data)) diagnostics.push(...semanticDiagnostics(data, file, locate, types));
  if (diagnostics.length > 0) {
    throw new InputError(
      `world file ${file} is invalid: ${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}`,
      'See docs/simulator.md for the world file format.',
      diagnostics,
    );
  }
  return buildWorld(data as JsonObject, types);
}

function nodeAt(doc: Document, path: readonly (string | number)[], key: boolean): Node | undefined {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    const part = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(part));
      if (!pair) return node;
      if (last && key) return pair.key as Node;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof part === 'number') {
      const item: unknown = node.items[part];
      if (item === undefined) return node;
      node = item;
    } else {
      return node as Node | undefined;
    }
  }
  return node as Node | undefined;
}

/** Parses and validates world YAML; throws InputError with every problem located. */
export function parseWorld(text: string, file: string, types: TypeRegistry = BUILTIN_TYPES): World {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): { line: number; column: number } => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    const diagnostics: Diagnostic[] = doc.errors.map((e) => ({
      location: { file, ...position(e.pos[0]) },
      message: e.message.split('\n')[0] ?? e.message,
      rule: 'yaml',
      severity: 'error',
    }));
    throw new InputError(`world file ${file} is not valid YAML`, 'See docs/simulator.md for the world file format.', diagnostics);
  }
  const locate: Locate = (path, key = false) => {
    const node = nodeAt(doc, path, key);
    return node?.range ? position(node.range[0]) : { line: 1, column: 1 };
  };
  const data = doc.toJS({ maxAliasCount: 100 }) as JsonValue;
  if (!isJsonObject(data)) {
    throw new InputError(`world file ${file} is invalid: 1 error`, 'See docs/simulator.md for the world file format.', [
      {
        location: { file, line: 1, column: 1 },
        message: 'the world file must be a mapping with an `accounts` list',
        rule: 'schema',
        severity: 'error',
      },
    ]);
  }
  return validateAndBuild(data, file, locate, types);
}

/** Validates a world given as a plain object (the YAML shape) — for tests and benchmarks that build worlds in code. */
export function worldFromObject(data: unknown, source = '<world>', types: TypeRegistry = BUILTIN_TYPES): World {
  return validateAndBuild(data, source, () => ({ line: 1, column: 1 }), types);
}

export async function loadWorld(path: string): Promise<World> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new IoError(`cannot read world file ${path}${code ? ` (${code})` : ''}`, 'Pass an existing file with --world.', { cause: error });
  }
  return parseWorld(text, path);
}
