import { OPERATOR_DEFINITIONS } from '../operators/index.js';
import type { OperandShow } from '../operators/index.js';
import type { JsonValue } from '../model/json.js';
import type { CheckResult, ResourceResult } from '../model/run-result.js';
import { compareStrings } from '../model/order.js';

/** How a value reads in a report: strings bare, everything else as compact JSON. */
function formatValue(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The actual value of a check as shown to people: a missing value is "unknown", never blank. */
export function formatActual(check: CheckResult): string {
  if (check.status === 'unknown' && check.actual === null) return '(unknown)';
  if (check.actual === null && check.status === 'fail') return '(absent)';
  return formatValue(check.actual);
}

const REPORT_OPERAND: OperandShow = { value: formatValue, text: formatValue };

/** The expectation in a few words: `ultimate`, `≥ 100`, `not within 30d`, `present`. */
export function formatExpected(check: Pick<CheckResult, 'operator' | 'expected'>): string {
  return OPERATOR_DEFINITIONS[check.operator].short(check.expected, REPORT_OPERAND);
}

/** Resources in address order, so every format lists them the same way whatever order they came in. */
export function sortedResources(resources: Iterable<ResourceResult>): Iterable<ResourceResult> {
  // A streamed run yields its resources in address order already (and is not a list to sort).
  return Array.isArray(resources)
    ? [...(resources as readonly ResourceResult[])].sort((a, b) => compareStrings(a.address, b.address))
    : resources;
}

/**
 * What a resource with no checks of its own stands for. Such a resource still has an outcome —
 * it may not exist or may not have been readable — and every format must show it rather than
 * let it vanish (fail closed).
 */
export function resourceOutcome(resource: ResourceResult): { status: 'pass' | 'fail' | 'unknown'; message: string } {
  if (resource.absent === true || (resource.status === 'drifted' && resource.checks.length === 0)) {
    return { status: 'fail', message: `${resource.address} does not exist` };
  }
  if (resource.error !== null) {
    const request = resource.error.request_id ? ` (request ${resource.error.request_id})` : '';
    return {
      status: 'unknown',
      message: `${resource.address} could not be verified: ${resource.error.code}: ${resource.error.message}${request}`,
    };
  }
  if (resource.status === 'unknown') return { status: 'unknown', message: `${resource.address} could not be verified` };
  return { status: 'pass', message: `${resource.address} exists and was read` };
}
