import { ENV_REFERENCE } from './build-state.js';
import { isLoopbackHost } from '../util/loopback.js';
import type { DesiredState } from '../model/desired-state.js';
import { isJsonObject } from '../model/json.js';
import type { JsonValue } from '../model/json.js';
import type { Diagnostic, SourceLocation } from '../model/location.js';
import { formatLocation } from '../model/location.js';
import { BUILTIN_TYPES, attributeSpec } from '../resources/registry.js';
import type { TypeRegistry } from '../resources/registry.js';
import type { Collected } from './collect.js';
import { suggestion } from '../util/did-you-mean.js';
import { isIsoDateOrDateTime } from '../util/iso-date.js';
import type { PathSegment } from '../util/load-yaml.js';
import { isSecretLikeKey, SECRET_LITERAL_MESSAGE } from './secret-keys.js';
import { PROVIDER_REF_PATTERN, RESOURCE_ADDRESS_PATTERN } from './schema.js';

export interface RuleInput {
  readonly collected: Collected;
  readonly state: DesiredState;
  /** The resource types the configuration is checked against (default: the built-in ones). */
  readonly types?: TypeRegistry;
}

/** A named semantic rule (changesets style): reads the whole configuration, returns problems. */
export interface SemanticRule {
  readonly name: string;
  check(input: RuleInput): Diagnostic[];
}

function diag(rule: string, location: SourceLocation, message: string): Diagnostic {
  return { location, message, rule, severity: 'error' };
}

const missingVersion: SemanticRule = {
  name: 'missing-version',
  check({ collected }) {
    const first = collected.files[0];
    if (first === undefined || collected.versionDeclared) return [];
    return [
      diag(
        'missing-version',
        { file: first, line: 1, column: 1 },
        'no file of the configuration declares `version: 1`; add it to one file',
      ),
    ];
  },
};

const duplicateProvider: SemanticRule = {
  name: 'duplicate-provider',
  check({ collected }) {
    const first = new Map<string, SourceLocation>();
    const out: Diagnostic[] = [];
    for (const p of collected.providers) {
      const location = p.keyLocation;
      const earlier = first.get(p.ref);
      if (earlier) out.push(diag('duplicate-provider', location, `provider ${p.ref} is already declared at ${formatLocation(earlier)}`));
      else first.set(p.ref, location);
    }
    return out;
  },
};

const duplicateAddress: SemanticRule = {
  name: 'duplicate-address',
  check({ collected }) {
    const first = new Map<string, SourceLocation>();
    const out: Diagnostic[] = [];
    for (const r of collected.resources) {
      const location = r.keyLocation;
      const earlier = first.get(r.address);
      if (earlier) out.push(diag('duplicate-address', location, `resource ${r.address} is already declared at ${formatLocation(earlier)}`));
      else first.set(r.address, location);
    }
    return out;
  },
};

const PROVIDER_REF = new RegExp(PROVIDER_REF_PATTERN);

function article(word: string): string {
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}

/** provider-cloud-mismatch and unknown-provider: one message per reference, the more specific first. */
const providerReference: SemanticRule = {
  name: 'unknown-provider',
  check({ collected, state }) {
    const refs = state.providers.map((p) => p.ref);
    const declared = new Set(refs);
    const out: Diagnostic[] = [];
    for (const r of collected.resources) {
      const ref = r.config.provider;
      if (!PROVIDER_REF.test(ref)) continue; // the schema reported it
      const cloud = ref.slice(0, ref.indexOf('.'));
      if (cloud === r.spec.cloud && declared.has(ref)) continue;
      const location = r.providerLocation;
      if (cloud !== r.spec.cloud) {
        const sameCloud = refs.filter((x) => x.startsWith(`${r.spec.cloud}.`));
        out.push(
          diag(
            'provider-cloud-mismatch',
            location,
            `${r.address} is ${article(r.spec.cloud)} resource but provider ${ref} is ${article(cloud)} provider` +
              (sameCloud.length > 0 ? `; use one of: ${sameCloud.join(', ')}` : `; declare a provider under providers.${r.spec.cloud}`),
          ),
        );
        continue;
      }
      const hint = suggestion(ref, refs);
      out.push(
        diag(
          'unknown-provider',
          location,
          `unknown provider '${ref}' for ${r.address}${hint || (refs.length ? `; declared: ${refs.join(', ')}` : '; no providers are declared')}`,
        ),
      );
    }
    return out;
  },
};

const missingRegion: SemanticRule = {
  name: 'missing-region',
  check({ collected, state }) {
    const out: Diagnostic[] = [];
    const providers = new Map(state.providers.map((p) => [p.ref, p]));
    for (const r of collected.resources) {
      // The TCSS API is account-wide (its region header is optional); the others need one. A private
      // CA takes no region of its own, but its provider's region chooses the CAS host (international
      // regions have their own), so the provider must name one.
      if (r.spec.name === 'alicloud_cas_private_ca') {
        const provider = providers.get(r.config.provider);
        if (!provider || provider.region !== undefined) continue;
        out.push(
          diag(
            'missing-region',
            r.keyLocation,
            `${r.address} needs a region on provider ${provider.ref}: it chooses the CAS host (cas.aliyuncs.com or cas.<region>.aliyuncs.com)`,
          ),
        );
        continue;
      }
      if (!r.spec.regional || r.spec.name === 'tencentcloud_tcss_subscription' || r.config.region !== undefined) continue;
      const provider = providers.get(r.config.provider);
      if (!provider || provider.region !== undefined) continue;
      // Fan-out regions stand in for a region on account-level types.
      const fanOutRegions =
        provider.fanOut?.regions !== undefined || (provider.fanOut?.accounts ?? []).some((a) => a.regions !== undefined);
      if (fanOutRegions && r.spec.identifiers.length === 0) continue;
      out.push(diag('missing-region', r.keyLocation, `${r.address} needs a region: set 'region' on it or on provider ${provider.ref}`));
    }
    return out;
  },
};

const insecureEndpoint: SemanticRule = {
  name: 'endpoint-insecure',
  check({ collected }) {
    const out: Diagnostic[] = [];
    for (const p of collected.providers) {
      const endpoint = p.node.endpoint;
      if (typeof endpoint !== 'string' || !/^https?:\/\//.test(endpoint)) continue;
      const location = p.source.locate([...p.path, 'endpoint']);
      let url: URL;
      try {
        url = new URL(endpoint);
      } catch {
        out.push(diag('endpoint-insecure', location, `endpoint of provider ${p.ref} is not a valid URL`));
        continue;
      }
      if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
        out.push(
          diag(
            'endpoint-insecure',
            location,
            `endpoint of provider ${p.ref} uses plain http:// to a non-loopback host; use https:// (http:// is allowed only for localhost)`,
          ),
        );
      }
    }
    return out;
  },
};

function secretKeys(value: JsonValue, path: PathSegment[], inEnv: boolean, out: PathSegment[][]): void {
  if (!isJsonObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const allowed = inEnv && (key === 'id' || key === 'secret' || key === 'token');
    if (!allowed && isSecretLikeKey(key)) out.push([...path, key]);
    // `env: { id, secret, token }` names variables, also as the `source` of an assumed role.
    const parent = path[path.length - 1];
    secretKeys(child, [...path, key], (parent === 'credentials' || parent === 'source') && key === 'env', out);
  }
}

const credentialsLiteral: SemanticRule = {
  name: 'credentials-literal',
  check({ collected }) {
    const out: Diagnostic[] = [];
    for (const p of collected.providers) {
      const found: PathSegment[][] = [];
      secretKeys(p.node, [...p.path], false, found);
      for (const path of found) {
        out.push(
          diag(
            'credentials-literal',
            p.source.locate(path, 'key'),
            `'${String(path[path.length - 1])}' in provider ${p.ref}: ${SECRET_LITERAL_MESSAGE}`,
          ),
        );
      }
    }
    return out;
  },
};

const ADDRESS = new RegExp(RESOURCE_ADDRESS_PATTERN);

const waiverTarget: SemanticRule = {
  name: 'waiver-target',
  check({ collected, state, types = BUILTIN_TYPES }) {
    const out: Diagnostic[] = [];
    if (collected.waivers.length === 0) return out;
    const byAddress = new Map(state.resources.map((r) => [r.address, r]));
    for (const w of collected.waivers) {
      const { resource, rule, expires } = w.node;
      const at = (key: string): SourceLocation => w.source.locate([...w.path, key]);
      const n = Number(w.path[1]) + 1;
      if (typeof expires === 'string' && !isIsoDateOrDateTime(expires)) {
        out.push(
          diag(
            'malformed-date',
            at('expires'),
            `waiver #${n}: malformed expires '${expires}'; write an ISO date or date-time with a zone (e.g. 2027-01-31)`,
          ),
        );
      }
      if (typeof resource !== 'string' || !ADDRESS.test(resource)) continue; // the schema reported it
      const target = byAddress.get(resource);
      if (!target) {
        out.push(
          diag(
            'waiver-target',
            at('resource'),
            `waiver #${n} points at unknown resource '${resource}'${suggestion(resource, [...byAddress.keys()])}`,
          ),
        );
        continue;
      }
      if (typeof rule !== 'string' || rule === '' || rule === '*' || /[.-]/.test(rule)) continue;
      if (target.expect.some((e) => e.attribute === rule)) continue;
      const spec = types.resourceType(target.type);
      const expected = target.expect.map((e) => e.attribute);
      const message =
        spec && attributeSpec(spec, rule)
          ? `waiver #${n}: ${resource} has no expectation on '${rule}' to waive`
          : `waiver #${n}: rule '${rule}' is neither an attribute with an expectation on ${resource}, a policy rule id (containing '.' or '-'), nor '*'${suggestion(rule, expected)}`;
      out.push(diag('waiver-target', at('rule'), message));
    }
    return out;
  },
};

/**
 * `notify:` URLs and secrets are secrets (a robot URL carries its access token): written only as a
 * whole `${env.NAME}`, never literally, and plain http:// only to loopback (design.md §12).
 */
const notifyTargets: SemanticRule = {
  name: 'notify-target',
  check({ collected }) {
    const out: Diagnostic[] = [];
    for (const t of collected.notify) {
      const n = Number(t.path[1]) + 1;
      for (const key of ['url', 'secret'] as const) {
        const written = t.raw[key];
        if (written === undefined || typeof written !== 'string') continue;
        if (!ENV_REFERENCE.test(written)) {
          out.push(
            diag(
              'notify-secret-literal',
              t.source.locate([...t.path, key]),
              `notify #${n}: ${key} must be written as \${env.NAME} (it is a secret; set it in the environment of the run)`,
            ),
          );
        }
      }
      const url = t.node.url;
      const written = t.raw.url;
      if (typeof url !== 'string' || typeof written !== 'string' || !ENV_REFERENCE.test(written)) continue;
      let parsed: URL | undefined;
      try {
        parsed = new URL(url);
      } catch {
        parsed = undefined;
      }
      // Never echo the URL: it is the secret.
      if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
        out.push(diag('notify-url', t.source.locate([...t.path, 'url']), `notify #${n}: ${written} is not an http(s) URL`));
      } else if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
        out.push(
          diag(
            'notify-url',
            t.source.locate([...t.path, 'url']),
            `notify #${n}: ${written} uses plain http:// to a non-loopback host; use https://`,
          ),
        );
      }
      if ((t.node.type === 'slack' || t.node.type === 'wecom' || t.node.type === 'webhook') && t.raw.secret !== undefined) {
        out.push(
          diag(
            'notify-secret',
            t.source.locate([...t.path, 'secret'], 'key'),
            `notify #${n}: ${String(t.node.type)} robots are not signed; secret applies to dingtalk and feishu only`,
          ),
        );
      }
    }
    return out;
  },
};

/** The semantic rules, run in this order after the schema phase. */
export const SEMANTIC_RULES: readonly SemanticRule[] = [
  missingVersion,
  duplicateProvider,
  duplicateAddress,
  providerReference,
  missingRegion,
  insecureEndpoint,
  credentialsLiteral,
  waiverTarget,
  notifyTargets,
];
