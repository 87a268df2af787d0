import type {
  DesiredState,
  FanOut,
  FanOutAccount,
  HistoryConfig,
  NotifyEvent,
  NotifyTarget,
  NotifyType,
  PolicyRef,
  ProviderConfig,
  ResourceConfig,
  Site,
  SnapshotTrustConfig,
  Waiver,
} from '../model/desired-state.js';
import { DEFAULT_HISTORY_DIR, NOTIFY_EVENTS, NOTIFY_TYPES } from '../model/desired-state.js';
import type { JsonObject } from '../model/json.js';
import { isJsonObject } from '../model/json.js';
import type { Diagnostic } from '../model/location.js';
import type { Collected, Entry } from './collect.js';
import { parseCredentials } from './credentials.js';
import { resolvePolicyRef } from './policy-ref.js';
import { parseDuration, parseTimeout } from '../util/duration.js';
import { dirname, resolve } from 'node:path';
import { isTimeZone } from '../model/time-zone.js';

export interface BuiltState {
  readonly state: DesiredState;
  readonly diagnostics: Diagnostic[];
}

function optionalString(node: JsonObject, key: string): string | undefined {
  const v = node[key];
  return typeof v === 'string' ? v : undefined;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

/** `accounts` (ids or { id, regions }) and `regions` of a provider block; shapes were checked by the schema. */
function readFanOut(node: JsonObject): FanOut | undefined {
  const regions = strings(node.regions);
  const accounts = Array.isArray(node.accounts)
    ? node.accounts.flatMap((a): FanOutAccount[] => {
        if (typeof a === 'string') return [{ id: a }];
        if (isJsonObject(a) && typeof a.id === 'string') {
          const own = strings(a.regions);
          return [{ id: a.id, ...(own ? { regions: own } : {}) }];
        }
        return [];
      })
    : undefined;
  if (!regions && !accounts) return undefined;
  return { ...(accounts ? { accounts } : {}), ...(regions ? { regions } : {}) };
}

/**
 * Turns the collected blocks into the DesiredState, reporting what only a reader of values can
 * see (expectation operands, credentials shapes). The first declaration of a duplicated provider
 * or address wins here; the duplicate rules report the others.
 */
export function buildState(collected: Collected): BuiltState {
  const diagnostics: Diagnostic[] = [];
  const providers: ProviderConfig[] = [];
  const seenProviders = new Set<string>();
  for (const entry of collected.providers) {
    const credentials = parseCredentials(entry.node.credentials, entry.ref);
    for (const p of credentials.problems) {
      diagnostics.push({
        location: entry.source.locate([...entry.path, 'credentials', ...p.path], p.part),
        message: p.message,
        rule: 'credentials',
        severity: 'error',
      });
    }
    if (seenProviders.has(entry.ref)) continue;
    seenProviders.add(entry.ref);
    const rateLimits: Record<string, number> = {};
    const limits = entry.node.rate_limits;
    if (isJsonObject(limits)) {
      for (const [action, qps] of Object.entries(limits)) if (typeof qps === 'number' && qps > 0) rateLimits[action] = qps;
    }
    const site: Site = entry.node.site === 'intl' ? 'intl' : 'china';
    const fanOut = readFanOut(entry.node);
    const region = optionalString(entry.node, 'region');
    const endpoint = optionalString(entry.node, 'endpoint');
    const timeout = optionalString(entry.node, 'timeout');
    const timeoutMs = timeout === undefined ? undefined : parseTimeout(timeout);
    providers.push({
      cloud: entry.cloud,
      alias: entry.alias,
      ref: entry.ref,
      ...(region !== undefined ? { region } : {}),
      site,
      credentials: credentials.source ?? { kind: 'chain' },
      ...(endpoint !== undefined ? { endpoint } : {}),
      rateLimits,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      location: entry.keyLocation,
      ...(fanOut ? { fanOut } : {}),
    });
  }

  // Resources were read as they were collected (build-resource.ts).
  diagnostics.push(...collected.resourceDiagnostics);
  const resources: ResourceConfig[] = [];
  const seenAddresses = new Set<string>();
  for (const { address, config } of collected.resources) {
    if (seenAddresses.has(address)) continue;
    seenAddresses.add(address);
    resources.push(config);
  }

  const policies: PolicyRef[] = [];
  for (const entry of collected.policies) {
    const location = entry.source.locate(entry.path);
    const resolved = resolvePolicyRef(entry.node, entry.source.path);
    if ('problem' in resolved) {
      diagnostics.push({ location, message: resolved.problem, rule: 'policy-not-found', severity: 'error' });
      continue;
    }
    policies.push({ ref: entry.node, path: resolved.path, location });
  }

  const waivers: Waiver[] = collected.waivers.map((entry) => {
    const ticket = optionalString(entry.node, 'ticket');
    return {
      resource: optionalString(entry.node, 'resource') ?? '',
      rule: optionalString(entry.node, 'rule') ?? '',
      reason: optionalString(entry.node, 'reason') ?? '',
      owner: optionalString(entry.node, 'owner') ?? '',
      expires: optionalString(entry.node, 'expires') ?? '',
      ...(ticket !== undefined ? { ticket } : {}),
      location: entry.source.locate(entry.path),
    };
  });

  const snapshotsEntry = onlyOne(collected.snapshots, 'snapshots', diagnostics);
  const snapshots = snapshotsEntry && buildSnapshots(snapshotsEntry);

  let reportTimeZone: string | undefined;
  for (const entry of collected.reportTimeZones) {
    const location = entry.source.locate(entry.path);
    if (!isTimeZone(entry.node)) {
      diagnostics.push({
        location,
        message: `report.tz: unknown time zone '${entry.node}' (use an IANA name such as Asia/Shanghai or UTC)`,
        rule: 'report-tz',
        severity: 'error',
      });
    } else if (reportTimeZone !== undefined && reportTimeZone !== entry.node) {
      diagnostics.push({
        location,
        message: `report.tz: '${entry.node}' conflicts with '${reportTimeZone}' set in another file`,
        rule: 'report-tz',
        severity: 'error',
      });
    } else {
      reportTimeZone = entry.node;
    }
  }

  const history = buildHistory(collected, diagnostics);
  const notify = buildNotify(collected);

  return {
    state: {
      files: collected.files,
      providers,
      resources,
      policies,
      waivers,
      ...(snapshots ? { snapshots } : {}),
      ...(reportTimeZone !== undefined ? { reportTimeZone } : {}),
      ...(history ? { history } : {}),
      ...(notify.length > 0 ? { notify } : {}),
    },
    diagnostics,
  };
}

/**
 * A block that may be set in one file only (`snapshots:`, `history:`): the first entry, and an
 * error at every other one naming the file that set it first.
 */
function onlyOne(entries: readonly Entry<JsonObject>[], name: string, diagnostics: Diagnostic[]): Entry<JsonObject> | undefined {
  const [first, ...others] = entries;
  if (first === undefined) return undefined;
  const firstFile = first.source.locate(first.path, 'key').file;
  for (const entry of others) {
    diagnostics.push({
      location: entry.source.locate(entry.path, 'key'),
      message: `${name} is already set in ${firstFile}; set it in one file`,
      rule: `duplicate-${name}`,
      severity: 'error',
    });
  }
  return first;
}

function buildSnapshots(entry: Entry<JsonObject>): SnapshotTrustConfig {
  const location = entry.source.locate(entry.path, 'key');
  const maxAge = optionalString(entry.node, 'max_age');
  const maxAgeMs = maxAge === undefined ? undefined : parseDuration(maxAge);
  const keyFile = optionalString(entry.node, 'key_file');
  return {
    ...(maxAge !== undefined ? { maxAge } : {}),
    ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
    ...(keyFile !== undefined ? { keyFile: resolve(dirname(entry.source.path), keyFile) } : {}),
    location,
  };
}

function buildHistory(collected: Collected, diagnostics: Diagnostic[]): HistoryConfig | undefined {
  const entry = onlyOne(collected.history, 'history', diagnostics);
  if (entry === undefined) return undefined;
  const location = entry.source.locate(entry.path, 'key');
  const keep = optionalString(entry.node, 'keep');
  const keepMs = keep === undefined ? undefined : parseDuration(keep);
  return {
    dir: resolve(dirname(entry.source.path), optionalString(entry.node, 'dir') ?? DEFAULT_HISTORY_DIR),
    ...(keep !== undefined ? { keep } : {}),
    ...(keepMs !== undefined ? { keepMs } : {}),
    location,
  };
}

/** `${env.NAME}` as the whole value: the only way a webhook URL or secret may be written (semantic rule notify-secret-literal). */
export const ENV_REFERENCE = /^\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}$/;

function buildNotify(collected: Collected): NotifyTarget[] {
  return collected.notify.flatMap((entry): NotifyTarget[] => {
    const type = optionalString(entry.node, 'type');
    const url = optionalString(entry.node, 'url');
    const variable = ENV_REFERENCE.exec(optionalString(entry.raw, 'url') ?? '')?.[1];
    // The schema and the semantic rules reported anything else.
    if (!(NOTIFY_TYPES as readonly string[]).includes(type ?? '') || url === undefined || variable === undefined) return [];
    const secret = optionalString(entry.node, 'secret');
    const reportUrl = optionalString(entry.node, 'report_url');
    const on = strings(entry.node.on)?.filter((e): e is NotifyEvent => (NOTIFY_EVENTS as readonly string[]).includes(e));
    return [
      {
        type: type as NotifyType,
        url,
        urlVariable: variable,
        ...(secret !== undefined ? { secret } : {}),
        on: on ? [...new Set(on)] : NOTIFY_EVENTS,
        ...(reportUrl !== undefined ? { reportUrl } : {}),
        location: entry.source.locate(entry.path),
      },
    ];
  });
}
