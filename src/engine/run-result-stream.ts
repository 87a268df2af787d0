import { closeSync, fstatSync } from 'node:fs';
import type { ResourceResult, RunReport, RunResult } from '../model/run-result.js';
import { stripUnsafeJson } from '../model/safe-text.js';
import { compileSchemaFile } from './json-input.js';
import type { JsonValidator } from './json-input.js';
import { RUN_RESULT_SCHEMA_FILE, parseRunResult } from './run-result-io.js';
import {
  ReadWhole,
  addressOrder,
  checkedItem,
  emptyFrame,
  fileIdentity,
  frameText,
  isFsError,
  itemTexts,
  openForReading,
  rereadItems,
} from './canonical-list.js';
import type { FileIdentity } from './canonical-list.js';

/**
 * Reading a saved run result (`report --from`) without holding it. A file as `--format json`
 * writes it (resources from a line `    {` to a line `    }`, in address order) is checked through
 * once — the rest of the result with the resources left out, then every resource against the
 * schema — and its resources are read again from the file each time a report reads them. Any other
 * layout or order, and any problem at all, is read whole by `parseRunResult`, so the verdict and
 * every message are the ones it gives. (A result of 100,000 resources × 20 checks is over 1 GiB of
 * JSON: more than one JavaScript string can hold, so it can only be read this way.)
 */

/** The resources list of a run result; the rest (waivers, resolved findings, history) may be several MiB. */
const LAYOUT = { key: 'resources', maxFrameBytes: 64 * 1024 * 1024, use: 'report resources', file: 'the run result' } as const;

let validateResource: JsonValidator | undefined;

/** The checking first pass; throws ReadWhole when the file is not canonical (or anything is wrong with it). */
function checkCanonical(fd: number, shown: string): { head: RunResult; identity: FileIdentity } {
  if (!fstatSync(fd).isFile()) throw new ReadWhole();
  validateResource ??= compileSchemaFile(RUN_RESULT_SCHEMA_FILE, 'resource');
  const file = fileIdentity(fd);
  const frame = emptyFrame();
  const inOrder = addressOrder();
  for (const text of itemTexts(fd, file.onChunk, frame, LAYOUT)) inOrder(checkedItem<ResourceResult>(text, validateResource).address);
  let head: RunResult;
  try {
    head = parseRunResult(frameText(frame, LAYOUT), shown);
  } catch {
    throw new ReadWhole();
  }
  // The list read is the result's own (a hand-made file could hold another "resources" list elsewhere).
  if (head.resources.length !== 0) throw new ReadWhole();
  return { head, identity: file.identity() };
}

/**
 * Opens a saved run result: streamed when it is as `--format json` wrote it, else read whole by
 * `readWhole` (the caller's reader, which gives every message and reads any layout).
 */
export function openRunResultFile(
  path: string,
  shown: string,
  readWhole: () => RunResult,
  readFailure: (error: unknown) => Error,
): RunReport {
  const fd = openForReading(path, readFailure);
  try {
    const { head, identity } = checkCanonical(fd, shown);
    const parse = (text: string): ResourceResult => stripUnsafeJson(JSON.parse(text), text) as ResourceResult;
    return { ...head, resources: { [Symbol.iterator]: () => rereadItems(path, identity, LAYOUT, parse, readFailure) } };
  } catch (error) {
    if (error instanceof ReadWhole) return readWhole();
    if (isFsError(error)) throw readFailure(error);
    throw error;
  } finally {
    closeSync(fd);
  }
}
