import type { JsonObject } from '../../model/json.js';
import { isJsonObject } from '../../model/json.js';
import type { PlainAnswer, SimulatedCredentialServices } from '../cloud-simulator.js';
import { isoSeconds } from '../cloud-simulator.js';
import type { IncomingCall } from '../incoming.js';
import { header } from '../incoming.js';
import type { SessionStore } from '../sts.js';
import type { AlibabaAccount, World } from '../world.js';

/**
 * Alibaba's credential services (issue 13), unsigned like the real ones, on the simulator's port:
 *
 * - credentials URIs (`ALIBABA_CLOUD_CREDENTIALS_URI`, CLI mode CredentialsURI): `GET
 *   /credentials-uri/<name>` answers `{ Code: "Success", AccessKeyId, AccessKeySecret, SecurityToken,
 *   Expiration, LastUpdated }` — a new STS session of the named account, or its own keys;
 * - CloudSSO (CLI mode CloudSSO): `POST /cloud-credentials` with `Authorization: Bearer <access
 *   token>` and `{ AccountId, AccessConfigurationId }` answers `{ CloudCredential: { … }, RequestId }`
 *   (the request and answer credentials-go and @alicloud/credentials send and read).
 */

const URI_PREFIX = '/credentials-uri/';
const SSO_PATH = '/cloud-credentials';

const json = (status: number, body: JsonObject): PlainAnswer => ({ status, contentType: 'application/json', body: JSON.stringify(body) });
const text = (status: number, body: string): PlainAnswer => ({ status, contentType: 'text/plain', body });

function alibabaAccount(world: World, uid: string): AlibabaAccount | undefined {
  for (const account of world.accounts) if (account.cloud === 'alicloud' && account.uid === uid) return account;
  return undefined;
}

function credentialsUri(call: IncomingCall, world: World, sessions: SessionStore, nowMs: number): PlainAnswer {
  if (call.method !== 'GET') return text(405, 'Method Not Allowed');
  const service = world.credentialServices.credentialsUri.get(decodeURIComponent(call.pathname.slice(URI_PREFIX.length)));
  if (service === undefined) return text(404, 'Not Found');
  const account = alibabaAccount(world, service.account);
  if (account === undefined) return text(500, 'the credentials URI names no Alibaba account of the world');
  const expires = isoSeconds(nowMs + service.sessionSeconds * 1000);
  if (service.answer === 'keys') {
    return json(200, {
      Code: 'Success',
      AccessKeyId: account.accessKeyId,
      AccessKeySecret: account.accessKeySecret,
      ...(account.securityToken !== undefined ? { SecurityToken: account.securityToken } : {}),
      Expiration: expires,
      LastUpdated: isoSeconds(nowMs),
    });
  }
  const session = sessions.issue(account, service.sessionSeconds, nowMs);
  return json(200, {
    Code: 'Success',
    AccessKeyId: session.keyId,
    AccessKeySecret: session.secret,
    SecurityToken: session.token,
    Expiration: isoSeconds(session.expiresAtMs),
    LastUpdated: isoSeconds(nowMs),
  });
}

function cloudSso(call: IncomingCall, world: World, sessions: SessionStore, nowMs: number): PlainAnswer {
  if (call.method !== 'POST') return text(405, 'Method Not Allowed');
  const sso = world.credentialServices.cloudSso;
  if (sso === undefined) return text(404, 'Not Found');
  const requestId = `SSO-${nowMs.toString(16).toUpperCase()}`;
  if (header(call, 'authorization') !== `Bearer ${sso.accessToken}`) {
    return json(401, {
      Code: 'InvalidAccessToken',
      Message: 'The access token is invalid or expired. Please sign in again.',
      RequestId: requestId,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(call.body.toString('utf8'));
  } catch {
    body = undefined;
  }
  const accountId = isJsonObject(body) && typeof body.AccountId === 'string' ? body.AccountId : '';
  const accessConfiguration = isJsonObject(body) && typeof body.AccessConfigurationId === 'string' ? body.AccessConfigurationId : '';
  const account = alibabaAccount(world, accountId);
  if (account === undefined || !sso.accessConfigurations.includes(accessConfiguration)) {
    return json(403, {
      Code: 'NoPermission.AccessConfiguration',
      Message: 'The access configuration is not assigned to you in this account.',
      RequestId: requestId,
    });
  }
  const session = sessions.issue(account, sso.sessionSeconds, nowMs);
  return json(200, {
    CloudCredential: {
      AccessKeyId: session.keyId,
      AccessKeySecret: session.secret,
      SecurityToken: session.token,
      Expiration: isoSeconds(session.expiresAtMs),
    },
    RequestId: requestId,
  });
}

export const alibabaCredentialServices: SimulatedCredentialServices = {
  claims: (pathname) => pathname.startsWith(URI_PREFIX) || pathname === SSO_PATH,
  answer: (call, world, sessions, nowMs) =>
    call.pathname === SSO_PATH ? cloudSso(call, world, sessions, nowMs) : credentialsUri(call, world, sessions, nowMs),
};
