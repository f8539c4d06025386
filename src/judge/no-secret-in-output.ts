// no-secret-in-output: no secret the connector held (its env secrets, the tokens the mocks issued)
// appears in what it printed — as is, base64 (standard or URL-safe) or percent-encoded. Findings
// name the secret and the line, never the value.
import type { Rule } from './types.js';

/** Values shorter than this would match by accident; they are listed as unchecked. */
export const MIN_SECRET_LENGTH = 4;

type Form = 'as is' | 'base64' | 'base64url' | 'URL-encoded';

function forms(value: string): [Form, string][] {
  const b64 = Buffer.from(value, 'utf8').toString('base64').replace(/=+$/, '');
  const out: [Form, string][] = [['as is', value], ['base64', b64], ['base64url', b64.replace(/\+/g, '-').replace(/\//g, '_')], ['URL-encoded', encodeURIComponent(value)]];
  // A form equal to an earlier one adds nothing (a plain alphanumeric value is its own URL encoding).
  return out.filter(([, v], i) => out.findIndex(([, w]) => w === v) === i);
}

export const noSecretInOutput: Rule = (evidence) => {
  const { stdout, stderr, error } = evidence.connector;
  const streams: [string, string][] = [['stdout', stdout], ['stderr', stderr], ...(error === undefined ? [] : ([['error', error]] as [string, string][]))];
  const checked = evidence.secrets.filter((s) => s.value.length >= MIN_SECRET_LENGTH);
  const unchecked = evidence.secrets.filter((s) => s.value.length < MIN_SECRET_LENGTH).map((s) => s.name);
  const findings: { secret: string; stream: string; line: number; form: Form }[] = [];
  for (const secret of checked) {
    for (const [stream, text] of streams) {
      const lines = text.split('\n');
      for (const [form, needle] of forms(secret.value)) {
        const line = lines.findIndex((l) => l.includes(needle));
        if (line >= 0) findings.push({ secret: secret.name, stream, line: line + 1, form });
      }
    }
  }
  const names = checked.map((s) => s.name);
  const base = { checked: names, unchecked, findings };
  if (checked.length === 0) {
    return { rule: 'no-secret-in-output', ok: true, vacuous: true, summary: 'The scenario named no secrets to look for in the output.', evidence: base };
  }
  const first = findings[0];
  if (first !== undefined) {
    const more = findings.length > 1 ? `; ${findings.length} findings in all` : '';
    return { rule: 'no-secret-in-output', ok: false, summary: `${first.secret} appeared in ${first.stream} line ${first.line} (${first.form})${more}.`, evidence: base };
  }
  return {
    rule: 'no-secret-in-output',
    ok: true,
    summary: `None of the ${names.length} secrets (${names.join(', ')}) appeared in the output, as is, base64 or URL-encoded${unchecked.length > 0 ? `; too short to check: ${unchecked.join(', ')}` : ''}.`,
    evidence: base,
  };
};
