import type { NotifyEvent, NotifyTarget, Severity } from '../model/desired-state.js';
import type { RunReport, RunResult } from '../model/run-result.js';

/**
 * What a notification says: the counts, the new drift and the resolved findings with severity and
 * address, the new unknowns, and a link to the report when one is given. Built once per run from
 * the annotated result (history/annotate.ts); each vendor (vendors.ts) lays it out its own way.
 */

export interface Item {
  readonly severity: Severity;
  readonly address: string;
  readonly rule: string;
}

export interface Message {
  readonly asOf: string;
  /** `driftwatch: 2 new drift, 1 resolved (as of …)` */
  readonly headline: string;
  readonly summary: RunResult['summary'];
  readonly items: Readonly<Record<NotifyEvent, readonly Item[]>>;
}

/** At most this many findings per list in a message (robots cap message sizes at a few KB). */
export const MAX_ITEMS = 20;

const EVENT_TITLE: Readonly<Record<NotifyEvent, string>> = { new_drift: 'New drift', resolved: 'Resolved', new_unknown: 'New unknown' };

export function messageOf(result: RunReport): Message {
  const items: Record<NotifyEvent, Item[]> = { new_drift: [], resolved: [], new_unknown: [] };
  for (const r of result.resources) {
    for (const c of r.checks) {
      if (c.change !== 'new') continue;
      if (c.status === 'fail') items.new_drift.push({ severity: c.severity, address: r.address, rule: c.rule });
      else if (c.status === 'unknown') items.new_unknown.push({ severity: c.severity, address: r.address, rule: c.rule });
    }
  }
  for (const f of result.resolved ?? []) items.resolved.push({ severity: f.severity, address: f.address, rule: f.rule });
  const counts = `${items.new_drift.length} new drift, ${items.resolved.length} resolved, ${items.new_unknown.length} new unknown`;
  return { asOf: result.as_of, headline: `driftwatch: ${counts} (as of ${result.as_of})`, summary: result.summary, items };
}

/** The changes a target asked to hear about (`on:`) that happened in this run. */
export function triggeredEvents(message: Message, target: NotifyTarget): NotifyEvent[] {
  return target.on.filter((event) => message.items[event].length > 0);
}

/** The message as lines of Markdown (DingTalk, WeCom and Slack's mrkdwn read it alike; Feishu as plain text). */
export function messageLines(message: Message, reportUrl: string | undefined, bold: (s: string) => string): string[] {
  const s = message.summary;
  const lines = [
    bold(message.headline),
    `Check: ${s.compliant} compliant, ${s.drifted} drifted, ${s.unknown} unknown, ${s.waived} waived.`,
  ];
  for (const event of ['new_drift', 'resolved', 'new_unknown'] as const) {
    const list = message.items[event];
    if (list.length === 0) continue;
    lines.push('', bold(`${EVENT_TITLE[event]} (${list.length}):`));
    for (const item of list.slice(0, MAX_ITEMS)) lines.push(`- [${item.severity}] ${item.address} ${item.rule}`);
    if (list.length > MAX_ITEMS) lines.push(`- … and ${list.length - MAX_ITEMS} more`);
  }
  if (reportUrl !== undefined) lines.push('', `Report: ${reportUrl}`);
  return lines;
}
