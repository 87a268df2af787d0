/**
 * The instance metadata services (issue 13): Alibaba ECS (`100.100.100.200`, with the hardened mode's
 * `PUT /latest/api/token`) and Tencent CVM (`metadata.tencentyun.com`), served on the simulator's own
 * loopback port under the same paths. Clients reach them through DRIFTWATCH_METADATA_ENDPOINT.
 */
import type { IncomingCall } from './incoming.js';
import { header } from './incoming.js';
import type { SessionStore } from './sts.js';
import type { InstanceRole, World, WorldAccount } from './world.js';

export interface MetadataAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const ECS_ROLES = '/latest/meta-data/ram/security-credentials/';
const CVM_ROLES = '/latest/meta-data/cam/security-credentials/';

export function isMetadataPath(pathname: string): boolean {
  return pathname.startsWith('/latest/');
}

const text = (status: number, body: string): MetadataAnswer => ({ status, contentType: 'text/plain', body });

function accountOf(world: World, cloud: WorldAccount['cloud'], id: string): WorldAccount | undefined {
  return world.accounts.find((a) => a.cloud === cloud && (a.cloud === 'alicloud' ? a.uid : a.uin) === id);
}

function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function answerMetadata(call: IncomingCall, world: World, sessions: SessionStore, nowMs: number): MetadataAnswer {
  const path = call.pathname;
  if (path === '/latest/api/token') {
    if (call.method !== 'PUT') return text(405, 'Method Not Allowed');
    if (header(call, 'x-aliyun-ecs-metadata-token-ttl-seconds') === undefined) return text(400, 'Missing X-aliyun-ecs-metadata-token-ttl-seconds');
    return text(200, sessions.metadataToken());
  }
  if (call.method !== 'GET') return text(405, 'Method Not Allowed');
  const ecs = path.startsWith(ECS_ROLES);
  const cvm = path.startsWith(CVM_ROLES);
  if (!ecs && !cvm) return text(404, 'Not Found');
  const instance: InstanceRole | undefined = ecs ? world.metadata.ecs : world.metadata.cvm;
  if (ecs && instance?.requireToken && !sessions.isMetadataToken(header(call, 'x-aliyun-ecs-metadata-token'))) return text(401, 'Unauthorized');
  const rest = path.slice((ecs ? ECS_ROLES : CVM_ROLES).length);
  if (instance === undefined) return text(404, 'Not Found');
  if (rest === '') return text(200, instance.role);
  if (decodeURIComponent(rest) !== instance.role) return text(404, 'Not Found');
  const account = accountOf(world, ecs ? 'alicloud' : 'tencentcloud', instance.account);
  if (account === undefined) return text(500, 'the instance role names no account of the world');
  const session = sessions.issue(account, instance.sessionSeconds, nowMs);
  const body = ecs
    ? { AccessKeyId: session.keyId, AccessKeySecret: session.secret, SecurityToken: session.token, Expiration: isoSeconds(session.expiresAtMs), LastUpdated: isoSeconds(nowMs), Code: 'Success' }
    : {
        TmpSecretId: session.keyId,
        TmpSecretKey: session.secret,
        Token: session.token,
        ExpiredTime: Math.floor(session.expiresAtMs / 1000),
        Expiration: isoSeconds(session.expiresAtMs),
        Code: 'Success',
      };
  return { status: 200, contentType: 'application/json', body: JSON.stringify(body) };
}
