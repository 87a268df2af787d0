import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../model/run-result.js';
import { emptyResult, sampleResult } from '../../test/fixtures/results/sample-result.js';
import { junitReporter, renderJunit } from './junit.js';

interface Parsed {
  testsuites: {
    '@_tests': string;
    '@_failures': string;
    '@_errors': string;
    '@_skipped': string;
    testsuite: Suite[];
  };
}
interface Suite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_errors': string;
  '@_skipped': string;
  testcase: Case[];
}
interface Case {
  '@_classname': string;
  '@_name': string;
  failure?: { '@_message': string; '#text': string };
  error?: { '@_message': string; '#text': string };
  skipped?: { '@_message': string };
}

function parse(xml: string): Parsed {
  const parser = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
    parseAttributeValue: false,
    processEntities: true,
    htmlEntities: true,
    trimValues: false,
  });
  return parser.parse(xml, true) as Parsed;
}

describe('junit reporter', () => {
  const xml = renderJunit(sampleResult);

  it('matches the golden file', async () => {
    await expect(xml).toMatchFileSnapshot('../../test/fixtures/results/golden/sample.junit.xml');
  });

  it('is well-formed XML with a suite per resource type and right counts', () => {
    const doc = parse(xml);
    const suites = doc.testsuites.testsuite;
    expect(suites.map((s) => s['@_name'])).toEqual([
      'alicloud_cas_private_ca',
      'alicloud_kms_instance',
      'tencentcloud_kms_service',
      'tencentcloud_tcss_subscription',
    ]);
    const checks = sampleResult.resources.flatMap((r) => r.checks);
    expect(doc.testsuites['@_tests']).toBe(String(checks.length));
    expect(doc.testsuites['@_failures']).toBe(String(checks.filter((c) => c.status === 'fail').length));
    expect(doc.testsuites['@_errors']).toBe(String(checks.filter((c) => c.status === 'unknown').length));
    expect(doc.testsuites['@_skipped']).toBe(String(checks.filter((c) => c.status === 'waived').length));
    for (const suite of suites) {
      expect(suite['@_tests']).toBe(String(suite.testcase.length));
      expect(suite['@_failures']).toBe(String(suite.testcase.filter((c) => c.failure).length));
      expect(suite['@_errors']).toBe(String(suite.testcase.filter((c) => c.error).length));
      expect(suite['@_skipped']).toBe(String(suite.testcase.filter((c) => c.skipped).length));
    }
  });

  it('names cases by resource address and rule, and maps statuses', () => {
    const cases = parse(xml).testsuites.testsuite.flatMap((s) => s.testcase);
    const find = (classname: string, name: string): Case | undefined =>
      cases.find((c) => c['@_classname'] === classname && c['@_name'] === name);
    expect(find('tencentcloud_kms_service.prod-sh', 'edition')?.failure?.['@_message']).toBe('edition is basic, expected ultimate');
    expect(find('tencentcloud_kms_service.prod-sh', 'baseline.kms-auto-renew')?.failure?.['#text']).toContain(
      'remediation: Turn on auto-renew',
    );
    expect(find('alicloud_cas_private_ca.root', 'certificates_remaining')?.skipped?.['@_message']).toContain('waived until 2027-01-31');
    expect(find('alicloud_cas_private_ca.sub', 'certificates_remaining')?.failure?.['#text']).toContain('waiver expired 2026-11-01');
    const unknown = find('tencentcloud_tcss_subscription.default', 'state');
    expect(unknown?.error).toBeDefined();
    expect(unknown?.failure).toBeUndefined();
    const pass = find('tencentcloud_kms_service.prod-gz', 'edition');
    expect(pass?.failure ?? pass?.error ?? pass?.skipped).toBeUndefined();
  });

  it('round-trips <&"\' and line breaks in messages through a parser', () => {
    const cases = parse(xml).testsuites.testsuite.flatMap((s) => s.testcase);
    const unknown = cases.find((c) => c['@_classname'] === 'tencentcloud_tcss_subscription.default');
    const original = sampleResult.resources.find((r) => r.address === 'tencentcloud_tcss_subscription.default')?.checks[0]?.message;
    expect(unknown?.error?.['@_message']).toBe(original);
    expect(xml).not.toMatch(/message="[^"]*<CAM>/);
    const waived = cases.find((c) => c['@_classname'] === 'alicloud_cas_private_ca.root' && c['@_name'] === 'certificates_remaining');
    expect(waived?.skipped?.['@_message']).toContain("| don't panic");
  });

  it('is deterministic whatever the order of resources', () => {
    const shuffled: RunResult = { ...sampleResult, resources: [...sampleResult.resources].reverse() };
    expect(renderJunit(shuffled)).toBe(xml);
    expect(junitReporter.render(sampleResult, { color: true })).toBe(xml);
  });

  it('renders a resource without checks as one case that is not a pass when absent or unreadable', () => {
    const result: RunResult = {
      ...emptyResult,
      resources: [
        {
          address: 'alicloud_kms_instance.gone',
          type: 'alicloud_kms_instance',
          status: 'drifted',
          absent: true,
          checks: [],
          error: null,
          request_ids: [],
          observed: {},
          location: { file: 'a.yaml', line: 3, column: 5 },
        },
        {
          address: 'alicloud_kms_instance.err',
          type: 'alicloud_kms_instance',
          status: 'unknown',
          checks: [],
          error: { kind: 'timeout', code: 'DW_TIMEOUT', message: 'timed out', request_id: null, retryable: true },
          request_ids: [],
          observed: {},
          location: { file: 'a.yaml', line: 7, column: 5 },
        },
      ],
    };
    const cases = parse(renderJunit(result)).testsuites.testsuite.flatMap((s) => s.testcase);
    expect(cases).toHaveLength(2);
    expect(cases[0]?.error?.['@_message']).toContain('DW_TIMEOUT');
    expect(cases[1]?.failure?.['@_message']).toBe('alicloud_kms_instance.gone does not exist');
  });

  it('renders an empty run as an empty, valid document', () => {
    const doc = parse(renderJunit(emptyResult));
    expect(doc.testsuites['@_tests']).toBe('0');
  });
});
