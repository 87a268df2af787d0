/**
 * The instance metadata services (issue 13): Alibaba ECS (`100.100.100.200`, with the hardened mode's
 * `PUT /latest/api/token`) and Tencent CVM (`metadata.tencentyun.com`), served on the simulator's own
 * loopback port under the same paths. Clients reach them through DRIFTWATCH_METADATA_ENDPOINT. The
 * paths, token headers and credential documents are each cloud's (CloudSimulator.metadata). The
 * credential services a cloud's tools read over HTTP (Alibaba's credentials URIs and CloudSSO,
 * CloudSimulator.credentialServices) are answered beside them, unsigned too.
 */
import type { IncomingCall } from './incoming.js';
import { header } from './incoming.js';
import type { SessionStore } from './sts.js';
import type { InstanceRole, World, WorldAccount } from './world.js';
import type { Cloud } from '../model/clouds.js';
import { cloudSimulator, cloudSimulators } from './clouds.js';
import type { PlainAnswer } from './cloud-simulator.js';

export function isMetadataPath(pathname: string): boolean {
  return pathname.startsWith('/latest/');
}

/** The cloud whose credential service (credentials URI, CloudSSO) a path is, if any. */
export function credentialServiceCloud(pathname: string): Cloud | undefined {
  return cloudSimulators().find((c) => c.credentialServices?.claims(pathname))?.cloud;
}

/** A credential service's answer (the path is one: credentialServiceCloud). */
export function answerCredentialService(
  cloud: Cloud,
  call: IncomingCall,
  world: World,
  sessions: SessionStore,
  nowMs: number,
): PlainAnswer {
  return cloudSimulator(cloud).credentialServices?.answer(call, world, sessions, nowMs) ?? text(404, 'Not Found');
}

/** Whose metadata service a path is, for logs: the first cloud that claims it. */
export function metadataCloud(pathname: string): Cloud {
  return (cloudSimulators().find((c) => c.metadata.claims(pathname)) ?? cloudSimulators()[0])!.cloud;
}

const text = (status: number, body: string): PlainAnswer => ({ status, contentType: 'text/plain', body });

function accountOf(world: World, cloud: Cloud, id: string): WorldAccount | undefined {
  const sim = cloudSimulator(cloud);
  return world.accounts.find((a) => a.cloud === cloud && sim.accountId(a) === id);
}

export function answerMetadata(call: IncomingCall, world: World, sessions: SessionStore, nowMs: number): PlainAnswer {
  const path = call.pathname;
  const token = cloudSimulators().find((c) => c.metadata.sessionToken?.path === path)?.metadata.sessionToken;
  if (token !== undefined) {
    if (call.method !== 'PUT') return text(405, 'Method Not Allowed');
    if (header(call, token.ttlHeader) === undefined) return text(400, `Missing ${displayHeader(token.ttlHeader)}`);
    return text(200, sessions.metadataToken());
  }
  if (call.method !== 'GET') return text(405, 'Method Not Allowed');
  const cloud = cloudSimulators().find((c) => path.startsWith(c.metadata.rolesPath));
  if (cloud === undefined) return text(404, 'Not Found');
  const md = cloud.metadata;
  const instance: InstanceRole | undefined = md.instanceRole(world);
  if (md.sessionToken !== undefined && instance?.requireToken && !sessions.isMetadataToken(header(call, md.sessionToken.header)))
    return text(401, 'Unauthorized');
  const rest = path.slice(md.rolesPath.length);
  if (instance === undefined) return text(404, 'Not Found');
  if (rest === '') return text(200, instance.role);
  if (decodeURIComponent(rest) !== instance.role) return text(404, 'Not Found');
  const account = accountOf(world, cloud.cloud, instance.account);
  if (account === undefined) return text(500, 'the instance role names no account of the world');
  const session = sessions.issue(account, instance.sessionSeconds, nowMs);
  return { status: 200, contentType: 'application/json', body: JSON.stringify(md.credentials(session, nowMs)) };
}

/** `x-aliyun-ecs-metadata-token-ttl-seconds` as the service spells it in its message: `X-aliyun-…`. */
function displayHeader(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}
