// no-secret-in-output: a secret in stderr, as is or encoded, fails by name and line — never by value.
import { describe, expect, it } from 'vitest';
import { noSecretInOutput } from './no-secret-in-output.js';
import { evidence } from './test-evidence.js';

const secrets = [
  { name: 'TRACKER_CLIENT_SECRET', value: 'trk_secret_9b1d4e6f2a8c' },
  { name: 'tracker access token 1', value: 'at_Zx81+/q' },
];

describe('no-secret-in-output', () => {
  it('fails a secret in stderr, naming it and the line, not printing it', () => {
    const v = noSecretInOutput(evidence([], { secrets, connector: { stderr: 'starting\n{"event":"tracker.connected","header":"Bearer at_Zx81+/q"}\n' } }));
    expect(v.ok).toBe(false);
    expect(v.summary).toBe('tracker access token 1 appeared in stderr line 2 (as is).');
    expect(JSON.stringify(v)).not.toContain('at_Zx81');
  });

  it('finds base64, base64url and URL-encoded forms', () => {
    const b64 = Buffer.from('trk_secret_9b1d4e6f2a8c').toString('base64');
    expect(noSecretInOutput(evidence([], { secrets, connector: { stdout: `auth ${b64}\n` } })).evidence.findings).toEqual([{ secret: 'TRACKER_CLIENT_SECRET', stream: 'stdout', line: 1, form: 'base64' }]);
    const url = noSecretInOutput(evidence([], { secrets, connector: { stdout: 'x\ny\ntoken=at_Zx81%2B%2Fq\n' } }));
    expect(url.evidence.findings).toEqual([{ secret: 'tracker access token 1', stream: 'stdout', line: 3, form: 'URL-encoded' }]);
  });

  it('passes clean output and lists values too short to check', () => {
    const v = noSecretInOutput(evidence([], { secrets: [...secrets, { name: 'PIN', value: '123' }], connector: { stdout: 'synced 11 tickets 123\n' } }));
    expect(v).toMatchObject({
      ok: true,
      summary: 'None of the 2 secrets (TRACKER_CLIENT_SECRET, tracker access token 1) appeared in the output, as is, base64 or URL-encoded; too short to check: PIN.',
    });
  });

  it('is vacuous without secrets', () => {
    expect(noSecretInOutput(evidence([]))).toMatchObject({ ok: true, vacuous: true });
  });
});
