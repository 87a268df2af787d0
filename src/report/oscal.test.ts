import { describe, expect, it } from 'vitest';
import type { RunResult } from '../model/run-result.js';
import { emptyResult, sampleResult } from '../../test/fixtures/results/sample-result.js';
import { oscalValidator } from '../../test/helpers/oscal-schema.js';
import { renderOscal } from './oscal.js';
import { uuidV5, URL_NAMESPACE } from './uuid.js';

interface Finding {
  target: { 'target-id': string; status: { state: string; reason: string } };
  props: { name: string; value: string }[];
  'related-risks'?: { 'risk-uuid': string }[];
}
interface Doc {
  'assessment-results': {
    uuid: string;
    results: {
      observations?: { title: string; 'relevant-evidence': { href?: string; props?: { name: string; value: string }[] }[] }[];
      findings?: Finding[];
      risks?: { uuid: string; status: string; deadline?: string }[];
    }[];
  };
}

const validate = oscalValidator();

function rendered(result: RunResult, framework?: 'mlps' | 'iso27001'): Doc {
  const text = renderOscal(result, framework ? { framework } : {});
  const doc = JSON.parse(text) as Doc;
  expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
  return doc;
}

describe('uuid v5', () => {
  it('gives the known answers of an independent implementation (Python uuid.uuid5 with NAMESPACE_URL)', () => {
    expect(uuidV5(URL_NAMESPACE, 'https://www.python.org/')).toBe('5406f80d-92e9-51cd-a176-77445955e733');
    expect(uuidV5(URL_NAMESPACE, 'driftwatch')).toBe('cdb0cb50-bb35-57ee-87c2-46bb89935a8c');
  });
});

describe('OSCAL assessment results', () => {
  it('validates against the NIST OSCAL 1.2.1 schema, with and without a framework, and for an empty run', () => {
    rendered(sampleResult);
    rendered(sampleResult, 'mlps');
    rendered(sampleResult, 'iso27001');
    rendered(emptyResult);
    // A run from a snapshot: observations collected at the snapshot's time, still schema-valid.
    const fromSnapshot = rendered({
      ...sampleResult,
      snapshot: { observed_at: '2026-11-20T03:00:00.000Z', age: '2d 0h', age_seconds: 172800 },
    }) as unknown as {
      'assessment-results': { results: { observations: { collected: string }[] }[] };
    };
    expect(fromSnapshot['assessment-results'].results[0]?.observations[0]?.collected).toBe('2026-11-20T03:00:00.000Z');
  });

  it('is byte-identical for the same run and differs for another', () => {
    expect(renderOscal(sampleResult)).toBe(renderOscal(sampleResult));
    const other: RunResult = { ...sampleResult, as_of: '2026-11-23T03:00:00Z' };
    expect(rendered(other)['assessment-results'].uuid).not.toBe(rendered(sampleResult)['assessment-results'].uuid);
  });

  it('has one observation per resource with the vendor request ids as evidence', () => {
    const [result] = rendered(sampleResult)['assessment-results'].results;
    expect(result?.observations).toHaveLength(sampleResult.resources.length);
    const gz = result?.observations?.find((o) => o.title.startsWith('tencentcloud_kms_service.prod-gz'));
    expect(gz?.['relevant-evidence']).toEqual([
      expect.objectContaining({
        href: 'raw/tencentcloud_kms_service.prod-gz.json',
        props: [expect.objectContaining({ name: 'request-id', value: 'req-kms-gz-0001' })],
      }),
    ]);
  });
});
