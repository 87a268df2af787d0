import { inspect, format } from 'node:util';
import { describe, expect, it } from 'vitest';
import { displayPath, makeCredentials, nonBlank, parseIni } from './credentials.js';

const SECRET = 'canary-SECRET-5b1f';
const TOKEN = 'canary-TOKEN-9e7d';

describe('makeCredentials', () => {
  const creds = makeCredentials('AKIDCANARY', SECRET, TOKEN, 'env TENCENTCLOUD_SECRET_ID');
  // The object defines toString; the Credentials interface just does not declare it.
  const printable = creds as typeof creds & { toString(): string };

  it('exposes the values to code that signs', () => {
    expect(creds.id).toBe('AKIDCANARY');
    expect(creds.secret).toBe(SECRET);
    expect(creds.token).toBe(TOKEN);
    expect(creds.source).toBe('env TENCENTCLOUD_SECRET_ID');
    expect(makeCredentials('a', 'b', undefined, 's').token).toBeUndefined();
  });

  it('never prints the secret or token, whichever way it is printed', () => {
    const printed = [
      JSON.stringify(creds),
      JSON.stringify({ nested: [creds] }),
      inspect(creds),
      inspect({ nested: creds }, { depth: 5 }),
      inspect(creds, { showHidden: true, getters: true }),
      // Only `customInspect: false` together with `getters: true` can reach the getter; no logger uses that.
      inspect(creds, { customInspect: false, showHidden: true }),
      format('%o %O %s %j', creds, creds, creds, creds),
      String(printable),
      `${printable.toString()}`,
      JSON.stringify({ ...creds }),
      JSON.stringify(Object.entries(creds)),
      JSON.stringify(structuredClone(creds)),
    ];
    for (const text of printed) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(TOKEN);
    }
  });

  it('shows the id, the source and [REDACTED]', () => {
    expect(JSON.parse(JSON.stringify(creds))).toEqual({
      id: 'AKIDCANARY',
      source: 'env TENCENTCLOUD_SECRET_ID',
      secret: '[REDACTED]',
      token: '[REDACTED]',
    });
    expect(inspect(creds)).toContain('AKIDCANARY');
    expect(inspect(creds)).toContain('env TENCENTCLOUD_SECRET_ID');
    expect(inspect(creds)).toContain('[REDACTED]');
    expect(JSON.parse(JSON.stringify(makeCredentials('a', 'b', undefined, 's')))).not.toHaveProperty('token');
  });

  it('cannot be altered after resolution', () => {
    expect(() => {
      (creds as { id: string }).id = 'other';
    }).toThrow(TypeError);
  });
});

describe('parseIni', () => {
  it('reads sections, trims, unquotes and skips comments as the vendors do', () => {
    const ini = parseIni(
      '\uFEFFtop = 1\r\n; comment\n# comment\n[default]\n secret_id = AKID1 \nsecret_key="quoted=value"\nflag\n\n[ prod ]\nsecret_id=\'x\'\n[default]\ntoken = t\n',
    );
    expect(ini.get('')).toEqual({ top: '1' });
    expect(ini.get('default')).toEqual({ secret_id: 'AKID1', secret_key: 'quoted=value', token: 't' });
    expect(ini.get('prod')).toEqual({ secret_id: 'x' });
    expect(ini.get('missing')).toBeUndefined();
  });
});

describe('helpers', () => {
  it('displayPath abbreviates the home directory only', () => {
    expect(displayPath('/home/u/.aliyun/config.json', '/home/u')).toBe('~/.aliyun/config.json');
    expect(displayPath('/etc/creds', '/home/u')).toBe('/etc/creds');
    expect(displayPath('/home/user2/x', '/home/u')).toBe('/home/user2/x');
  });

  it('nonBlank treats blank and non-strings as unset', () => {
    expect(nonBlank(' a ')).toBe('a');
    expect(nonBlank('  ')).toBeUndefined();
    expect(nonBlank(undefined)).toBeUndefined();
    expect(nonBlank(42)).toBeUndefined();
  });
});
