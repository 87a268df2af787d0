import { createHmac } from 'node:crypto';
import type { NotifyType } from '../model/desired-state.js';
import type { JsonValue } from '../model/json.js';
import { isJsonObject } from '../model/json.js';
import type { Message } from './message.js';
import { MAX_ITEMS, messageLines } from './message.js';

/**
 * One request per vendor, as each documents its robot webhook:
 * - Slack incoming webhook: `{ text, blocks }`; answers `ok`.
 * - DingTalk custom robot: `{ msgtype: markdown, markdown: { title, text } }`; signed with
 *   `timestamp` (ms) and `sign` = URL-encoded base64 HMAC-SHA256(key = secret, `timestamp\nsecret`)
 *   in the query; answers `{ errcode: 0 }`.
 * - WeCom (企业微信) group robot: `{ msgtype: markdown, markdown: { content } }`; answers `{ errcode: 0 }`.
 * - Feishu/Lark custom bot: `{ msg_type: text, content: { text } }`, signed with `timestamp` (s) and
 *   `sign` = base64 HMAC-SHA256(key = `timestamp\nsecret`, empty message) in the body; answers `{ code: 0 }`.
 * - Generic webhook: the message as JSON (`kind: driftwatch-notification`); any 2xx.
 */

export interface VendorRequest {
  readonly url: string;
  readonly body: string;
}

export interface Signing {
  readonly secret: string | undefined;
  /** The sending instant (ms); a new one (and a new signature) on every attempt. */
  readonly now: number;
}

export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

const markdownBold = (s: string): string => `**${s}**`;

function withQuery(url: string, params: Readonly<Record<string, string>>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

export function buildRequest(
  type: NotifyType,
  url: string,
  message: Message,
  reportUrl: string | undefined,
  signing: Signing,
): VendorRequest {
  switch (type) {
    case 'slack': {
      const text = messageLines(message, reportUrl, (s) => `*${s}*`).join('\n');
      return { url, body: JSON.stringify({ text: message.headline, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] }) };
    }
    case 'dingtalk': {
      const text = messageLines(message, reportUrl, markdownBold).join('\n\n');
      const signed =
        signing.secret === undefined
          ? url
          : withQuery(url, { timestamp: String(signing.now), sign: dingtalkSign(signing.secret, signing.now) });
      return { url: signed, body: JSON.stringify({ msgtype: 'markdown', markdown: { title: message.headline, text } }) };
    }
    case 'wecom':
      return {
        url,
        body: JSON.stringify({ msgtype: 'markdown', markdown: { content: messageLines(message, reportUrl, markdownBold).join('\n') } }),
      };
    case 'feishu': {
      const seconds = Math.floor(signing.now / 1000);
      const sign = signing.secret === undefined ? {} : { timestamp: String(seconds), sign: feishuSign(signing.secret, seconds) };
      return {
        url,
        body: JSON.stringify({ ...sign, msg_type: 'text', content: { text: messageLines(message, reportUrl, (s) => s).join('\n') } }),
      };
    }
    case 'webhook':
      return { url, body: JSON.stringify(webhookPayload(message, reportUrl)) };
  }
}

function webhookPayload(message: Message, reportUrl: string | undefined): JsonValue {
  const list = (event: keyof Message['items']): JsonValue => message.items[event].slice(0, MAX_ITEMS).map((i) => ({ ...i }));
  return {
    kind: 'driftwatch-notification',
    version: 1,
    as_of: message.asOf,
    text: message.headline,
    summary: { ...message.summary },
    counts: {
      new_drift: message.items.new_drift.length,
      resolved: message.items.resolved.length,
      new_unknown: message.items.new_unknown.length,
    },
    new_drift: list('new_drift'),
    resolved: list('resolved'),
    new_unknown: list('new_unknown'),
    ...(reportUrl !== undefined ? { report_url: reportUrl } : {}),
  };
}

/**
 * Whether a 2xx answer says the message was taken: the robots answer 200 with an error code in
 * the body for a bad signature, a keyword filter or a rate limit. Undefined when it was; else why not.
 */
export function vendorRefusal(type: NotifyType, body: string): string | undefined {
  if (type === 'webhook') return undefined;
  if (type === 'slack') return body.trim() === 'ok' ? undefined : `Slack answered ${JSON.stringify(body.slice(0, 200))}`;
  let data: JsonValue;
  try {
    data = JSON.parse(body) as JsonValue;
  } catch {
    return `the robot answered with a body that is not JSON`;
  }
  if (!isJsonObject(data)) return 'the robot answered with a body that is not a JSON object';
  const code = type === 'feishu' ? (data.code ?? data.StatusCode) : data.errcode;
  if (code === 0) return undefined;
  const text = type === 'feishu' ? (data.msg ?? data.StatusMessage) : data.errmsg;
  return `the robot refused the message: code ${JSON.stringify(code ?? null)}${typeof text === 'string' ? ` (${text.slice(0, 200)})` : ''}`;
}
