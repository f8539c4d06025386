// The gate's reports end to end on a hand-made GateReport: a passing scenario, a failing one (a
// 429 with Retry-After: 1 then a too-early retry, an injected reset, a hang, a hostile path), a
// vacuous verdict and an errored scenario. JUnit is parsed by a small strict XML reader below,
// the Markdown compared line by line, the HTML checked for its marks and escaping, and rendered
// in headless Chromium when it is installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObservedRequest } from '../src/judge/types.js';
import { renderHtml } from '../src/report/html.js';
import { renderJunit } from '../src/report/junit.js';
import { renderMarkdown } from '../src/report/markdown.js';
import type { GateReport, ScenarioResult } from '../src/report/types.js';
import { writeReports } from '../src/report/write.js';

// --- the report -------------------------------------------------------------------------------

const json = { 'content-type': 'application/json' };

function request(partial: Partial<ObservedRequest> & Pick<ObservedRequest, 'seq' | 'at' | 'partner' | 'method' | 'path' | 'response'>): ObservedRequest {
  return { query: {}, headers: {}, stubId: null, ...partial };
}

const passing: ScenarioResult = {
  suite: 'ticket-sync',
  name: 'syncs two tickets',
  connector: 'ticket-sync',
  engine: 'embedded',
  plan: { seed: 7, rules: [] },
  verdicts: [
    { rule: 'retries-bounded', ok: true, summary: 'No call was attempted more than once.', evidence: { maxAttempts: 1 } },
    { rule: 'backoff-jitter', ok: true, vacuous: true, summary: 'No retries, so no back-off to measure.', evidence: {} },
  ],
  requests: [
    request({ seq: 1, at: 3, partner: 'helpdesk', method: 'GET', path: '/api/v2/tickets', query: { limit: '50' }, operation: 'GET /api/v2/tickets', stubId: 'tickets', response: { status: 200, headers: json, at: 5 } }),
    request({ seq: 2, at: 7, partner: 'tracker', method: 'POST', path: '/oauth/token', stubId: 'token', response: { status: 200, headers: json, at: 9 } }),
    request({ seq: 3, at: 12, partner: 'tracker', method: 'POST', path: '/v1/issues', body: { json: { title: 'A' } }, stubId: 'create', response: { status: 201, headers: json, at: 15 } }),
  ],
  outcome: { exitCode: 0, timedOut: false, startedAt: 0, endedAt: 40, stdout: 'synced 2 tickets\n', stderr: '' },
  durationMs: 120,
};

const hostilePath = '/api/v2/tickets/<script>alert(1)</script>';

const failing: ScenarioResult = {
  suite: 'ticket-sync',
  name: '429 | then a too-early retry',
  connector: 'ticket-sync:ignores-retry-after',
  engine: 'embedded',
  plan: {
    seed: 42,
    rules: [
      { target: 'POST /v1/issues', fault: 'rate-limit', when: { first: 1 }, retryAfterSeconds: 1 },
      { target: 'GET /api/v2/tickets', fault: 'reset', when: { calls: [2, 2] } },
      { target: 'GET /api/v2/tickets', fault: 'hang', when: { calls: [3, 3] } },
    ],
  },
  verdicts: [
    { rule: 'retries-bounded', ok: true, summary: 'At most 2 attempts per call (limit 5).', evidence: { maxAttempts: 2 } },
    {
      rule: 'retry-after-honoured',
      ok: false,
      summary: 'POST /v1/issues was retried at 300 ms, 711 ms before Retry-After: 1 allowed (1011 ms).',
      evidence: { retryAt: 300, allowedAt: 1011, seq: [3, 4] },
    },
    { rule: 'timeout-enforced', ok: false, summary: 'The hung GET /api/v2/tickets was never abandoned: still open at 2000 ms (timeout 500 ms).', evidence: { seq: 6, timeoutMs: 500 } },
    { rule: 'backoff-jitter', ok: true, vacuous: true, summary: 'Fewer than 3 retries: jitter not measurable.', evidence: {} },
  ],
  requests: [
    request({ seq: 1, at: 2, partner: 'helpdesk', method: 'GET', path: '/api/v2/tickets', query: { limit: '50' }, stubId: 'tickets', response: { status: 200, headers: json, at: 5 } }),
    request({ seq: 2, at: 6, partner: 'tracker', method: 'POST', path: '/oauth/token', stubId: 'token', response: { status: 200, headers: json, at: 8 } }),
    request({
      seq: 3,
      at: 10,
      partner: 'tracker',
      method: 'POST',
      path: '/v1/issues',
      headers: { 'idempotency-key': 'k1' },
      body: { json: { title: 'A' } },
      stubId: 'create',
      injected: 'rate-limit',
      response: { status: 429, headers: { 'retry-after': '1' }, at: 11 },
    }),
    request({
      seq: 4,
      at: 300,
      partner: 'tracker',
      method: 'POST',
      path: '/v1/issues',
      headers: { 'idempotency-key': 'k1' },
      body: { json: { title: 'A' } },
      stubId: 'create',
      response: { status: 201, headers: json, at: 303 },
    }),
    request({ seq: 5, at: 310, partner: 'helpdesk', method: 'GET', path: '/api/v2/tickets', query: { limit: '50', cursor: 'c2' }, stubId: 'tickets', injected: 'reset', response: { fault: 'reset', at: 311 } }),
    request({ seq: 6, at: 800, partner: 'helpdesk', method: 'GET', path: '/api/v2/tickets', query: { limit: '50', cursor: 'c2' }, stubId: 'tickets', injected: 'hang', response: { fault: 'hang' } }),
    request({ seq: 7, at: 850, partner: 'helpdesk', method: 'GET', path: hostilePath, response: { miss: true, status: 404, at: 851 } }),
  ],
  outcome: { exitCode: null, timedOut: true, startedAt: 0, endedAt: 2000, stdout: 'fetching page c2\n', stderr: '\u001b[31mtimeout\u001b[39m & <giving up>\n' },
  durationMs: 2050,
};

const errored: ScenarioResult = {
  suite: 'ticket-sync-process',
  name: 'mock fails to start',
  connector: 'ticket-sync',
  engine: 'wiremock',
  plan: { seed: 9, rules: [] },
  verdicts: [],
  requests: [],
  outcome: { exitCode: null, timedOut: false, startedAt: 0, endedAt: 0, stdout: '', stderr: '' },
  durationMs: 30,
  error: 'WireMock did not start: port "8080" in use & <busy>',
};

const report: GateReport = { startedAt: '2025-03-04T05:06:07.890Z', durationMs: 2345, scenarios: [passing, failing, errored] };

// --- a small strict XML reader (well-formedness, attributes, text) -----------------------------

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_][\w.:-]*/;

function decode(raw: string, where: number): string {
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(raw)) throw new Error(`control character at ${where}`);
  return raw.replace(/&([^;]*);?/g, (all, ref: string) => {
    if (!all.endsWith(';')) throw new Error(`unterminated reference at ${where}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (named[ref] !== undefined) return named[ref];
    const code = /^#x[0-9a-f]+$/i.test(ref) ? parseInt(ref.slice(2), 16) : /^#\d+$/.test(ref) ? Number(ref.slice(1)) : Number.NaN;
    if (Number.isNaN(code) || (code < 0x20 && code !== 9 && code !== 10 && code !== 13)) throw new Error(`bad reference &${ref}; at ${where}`);
    return String.fromCodePoint(code);
  });
}

function parseXml(xml: string): XmlElement {
  let i = 0;
  if (xml.startsWith('<?xml')) i = xml.indexOf('?>') + 2;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const chunk = xml.slice(i, lt === -1 ? xml.length : lt);
    if (chunk.includes('>')) throw new Error(`raw > in text at ${i}`);
    const top = stack[stack.length - 1];
    if (top !== undefined) top.text += decode(chunk, i);
    else if (chunk.trim() !== '') throw new Error(`text outside the root at ${i}`);
    if (lt === -1) break;
    i = lt + 1;
    if (xml[i] === '/') {
      const name = NAME.exec(xml.slice(i + 1))?.[0];
      const open = stack.pop();
      if (name === undefined || open?.name !== name) throw new Error(`</${name}> closes <${open?.name}> at ${i}`);
      i = xml.indexOf('>', i) + 1;
      continue;
    }
    const name = NAME.exec(xml.slice(i))?.[0];
    if (name === undefined) throw new Error(`bad tag at ${i}`);
    if (root !== undefined && stack.length === 0) throw new Error(`second root <${name}> at ${i}`);
    i += name.length;
    const element: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (;;) {
      const attr = /^\s+([A-Za-z_][\w.:-]*)="([^"<]*)"/.exec(xml.slice(i)) ?? /^\s+([A-Za-z_][\w.:-]*)='([^'<]*)'/.exec(xml.slice(i));
      if (attr === null) break;
      const key = attr[1] as string;
      if (key in element.attrs) throw new Error(`duplicate attribute ${key} at ${i}`);
      element.attrs[key] = decode(attr[2] as string, i);
      i += attr[0].length;
    }
    const end = /^\s*(\/?)>/.exec(xml.slice(i));
    if (end === null) throw new Error(`unterminated <${name}> at ${i}`);
    i += end[0].length;
    stack[stack.length - 1]?.children.push(element);
    root ??= element;
    if (end[1] !== '/') stack.push(element);
  }
  if (root === undefined || stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  return root;
}

function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

describe('the small XML reader', () => {
  it('rejects what is not well-formed', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow('</a> closes <b>');
    expect(() => parseXml('<a x="1 < 2"/>')).toThrow('unterminated <a>');
    expect(() => parseXml('<a>1 & 2</a>')).toThrow('unterminated reference');
    expect(() => parseXml('<a>\u001b</a>')).toThrow('control character');
    expect(() => parseXml('<a/><b/>')).toThrow('second root');
    expect(parseXml('<a k="&#10;&lt;"><b>x &amp; y</b></a>')).toEqual({ name: 'a', attrs: { k: '\n<' }, text: '', children: [{ name: 'b', attrs: {}, children: [], text: 'x & y' }] });
  });
});

// --- JUnit --------------------------------------------------------------------------------------

describe('renderJunit', () => {
  const xml = renderJunit(report);
  const root = parseXml(xml);

  it('counts tests, failures, errors and time at the root and per suite', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toEqual({ name: 'seam gate', tests: '3', failures: '1', errors: '1', skipped: '0', time: '2.345', timestamp: '2025-03-04T05:06:07' });
    expect(root.children.map((s) => [s.name, s.attrs])).toEqual([
      ['testsuite', { name: 'ticket-sync', tests: '2', failures: '1', errors: '0', skipped: '0', time: '2.170', timestamp: '2025-03-04T05:06:07' }],
      ['testsuite', { name: 'ticket-sync-process', tests: '1', failures: '0', errors: '1', skipped: '0', time: '0.030', timestamp: '2025-03-04T05:06:07' }],
    ]);
  });

  it('has one testcase per scenario, classname suite.connector', () => {
    const cases = root.children.flatMap((s) => s.children);
    expect(cases.map((c) => [c.name, c.attrs])).toEqual([
      ['testcase', { classname: 'ticket-sync.ticket-sync', name: 'syncs two tickets', time: '0.120' }],
      ['testcase', { classname: 'ticket-sync.ticket-sync:ignores-retry-after', name: '429 | then a too-early retry', time: '2.050' }],
      ['testcase', { classname: 'ticket-sync-process.ticket-sync', name: 'mock fails to start', time: '0.030' }],
    ]);
    expect(cases.map((c) => c.children.map((e) => e.name))).toEqual([['system-out'], ['failure', 'system-out', 'system-err'], ['error', 'system-out']]);
  });

  it('reports a failed scenario as one failure naming the first failed rule, with every failed verdict and its evidence in the body', () => {
    const failure = child(root.children[0]?.children[1] as XmlElement, 'failure') as XmlElement;
    expect(failure.attrs).toEqual({ message: `retry-after-honoured: ${failing.verdicts[1]?.summary}`, type: 'retry-after-honoured' });
    expect(failure.text).toBe(
      [
        `✗ retry-after-honoured: ${failing.verdicts[1]?.summary}`,
        'evidence: {\n  "retryAt": 300,\n  "allowedAt": 1011,\n  "seq": [\n    3,\n    4\n  ]\n}',
        '',
        `✗ timeout-enforced: ${failing.verdicts[2]?.summary}`,
        'evidence: {\n  "seq": 6,\n  "timeoutMs": 500\n}',
      ].join('\n'),
    );
  });

  it('reports an errored scenario as an error, escaping its message', () => {
    const error = child(root.children[1]?.children[0] as XmlElement, 'error') as XmlElement;
    expect(error.attrs).toEqual({ message: 'WireMock did not start: port "8080" in use & <busy>', type: 'error' });
    expect(error.text).toBe('WireMock did not start: port "8080" in use & <busy>');
    expect(xml).toContain('message="WireMock did not start: port &quot;8080&quot; in use &amp; &lt;busy&gt;"');
  });

  it('notes the seed, the plan and vacuous verdicts in system-out', () => {
    const out = child(root.children[0]?.children[0] as XmlElement, 'system-out') as XmlElement;
    expect(out.text).toBe(
      [
        'seed: 7',
        'plan: no faults',
        'plan (JSON): {"seed":7,"rules":[]}',
        'engine: embedded',
        'connector: exit 0 after 40 ms',
        'requests: 3',
        '✓ retries-bounded: No call was attempted more than once.',
        '○ backoff-jitter (vacuous: nothing to judge): No retries, so no back-off to measure.',
      ].join('\n'),
    );
    const failingOut = child(root.children[0]?.children[1] as XmlElement, 'system-out') as XmlElement;
    expect(failingOut.text.split('\n').slice(0, 2)).toEqual([
      'seed: 42',
      'plan: rate-limit on POST /v1/issues (first 1); reset on GET /api/v2/tickets (calls 2–2); hang on GET /api/v2/tickets (calls 3–3)',
    ]);
  });

  it('keeps control characters out of the XML and shows them', () => {
    const err = child(root.children[0]?.children[1] as XmlElement, 'system-err') as XmlElement;
    expect(err.text).toBe('stdout:\nfetching page c2\n\nstderr:\n\\u001b[31mtimeout\\u001b[39m & <giving up>\n');
  });

  it('is deterministic', () => {
    expect(renderJunit(structuredClone(report))).toBe(xml);
  });
});

// --- Markdown -----------------------------------------------------------------------------------

describe('renderMarkdown', () => {
  it('has the headline, a table per suite with the passing rows folded, and the failures with their seeds', () => {
    expect(renderMarkdown(report).split('\n')).toEqual([
      '## ✗ Seam gate failed: 1 passed, 2 failed (1 errored) of 3 scenarios in 2.35 s',
      '',
      'Started 2025-03-04T05:06:07.890Z. ✓ passed · ✗ failed · ○ vacuous (nothing to judge: 2 verdicts) · blank: rule not judged.',
      '',
      '### ticket-sync: 1 failed, 1 passed',
      '',
      '| scenario | connector | result | retries-bounded | retry-after-honoured | backoff-jitter | timeout-enforced | duration |',
      '|---|---|---|:-:|:-:|:-:|:-:|--:|',
      '| 429 \\| then a too-early retry | ticket-sync:ignores-retry-after | ✗ failed | ✓ | ✗ | ○ | ✗ | 2.05 s |',
      '',
      '<details><summary>1 passing scenario</summary>',
      '',
      '| scenario | connector | result | retries-bounded | retry-after-honoured | backoff-jitter | timeout-enforced | duration |',
      '|---|---|---|:-:|:-:|:-:|:-:|--:|',
      '| syncs two tickets | ticket-sync | ✓ passed | ✓ |  | ○ |  | 120 ms |',
      '',
      '</details>',
      '',
      '### ticket-sync-process: 1 failed, 0 passed',
      '',
      '| scenario | connector | result | duration |',
      '|---|---|---|--:|',
      '| mock fails to start | ticket-sync | ⚠ error | 30 ms |',
      '',
      '### Failures',
      '',
      '#### ✗ ticket-sync › 429 \\| then a too-early retry',
      '',
      'ticket-sync:ignores-retry-after on embedded · reproduce with seed **42** · plan: rate-limit on POST /v1/issues (first 1); reset on GET /api/v2/tickets (calls 2–2); hang on GET /api/v2/tickets (calls 3–3) · connector timed out after 2.00 s',
      '',
      '- ✗ **retry-after-honoured**: POST /v1/issues was retried at 300 ms, 711 ms before Retry-After: 1 allowed (1011 ms).',
      '- ✗ **timeout-enforced**: The hung GET /api/v2/tickets was never abandoned: still open at 2000 ms (timeout 500 ms).',
      '',
      '#### ⚠ ticket-sync-process › mock fails to start',
      '',
      'ticket-sync on wiremock · reproduce with seed **9** · plan: no faults · connector ended without an exit code after 0 ms',
      '',
      '- ⚠ **error**: WireMock did not start: port "8080" in use &amp; &lt;busy&gt;',
      '',
    ]);
  });

  it('says so when everything passed', () => {
    const md = renderMarkdown({ ...report, scenarios: [passing] });
    expect(md.split('\n').slice(0, 5)).toEqual([
      '## ✓ Seam gate passed: 1 passed, 0 failed of 1 scenario in 2.35 s',
      '',
      'Started 2025-03-04T05:06:07.890Z. ✓ passed · ✗ failed · ○ vacuous (nothing to judge: 1 verdict) · blank: rule not judged.',
      '',
      '### ticket-sync: all 1 passed',
    ]);
    expect(md).not.toContain('### Failures');
  });
});

// --- HTML ---------------------------------------------------------------------------------------

/** The HTML of each scenario section, in page order. */
function sections(html: string): string[] {
  return html.split('<section class="scenario ').slice(1);
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

function number(text: string | undefined): number {
  return Number(text);
}

describe('renderHtml', () => {
  const html = renderHtml(report);

  it('is one self-contained page: no script, nothing fetched', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|\bsrc=|url\(|https?:/i);
    expect(html).toContain('<title>Seam gate failed: 2 of 3 scenarios</title>');
  });

  it('lists failed scenarios first, each with one timeline', () => {
    const list = sections(html);
    expect(list.map((s) => s.slice(0, s.indexOf('>')))).toEqual(['failed" id="scenario-2"', 'errored" id="scenario-3"', 'passed" id="scenario-1"']);
    expect(count(html, '<svg')).toBe(3);
    expect(list.map((s) => count(s, '<svg'))).toEqual([1, 1, 1]);
  });

  it('draws a mark per request, the Retry-After window, the fault labels and the chains of attempts', () => {
    const [failed, erroredSection, passed] = sections(html) as [string, string, string];
    expect([count(failed, '<g class="req '), count(erroredSection, '<g class="req '), count(passed, '<g class="req ')]).toEqual([7, 0, 3]);
    expect(count(failed, '<g class="req rate-limited">')).toBe(1);
    expect(count(failed, '<g class="req network">')).toBe(1);
    expect(count(failed, '<g class="req hang">')).toBe(1);
    expect(count(failed, '<g class="req miss">')).toBe(1);
    expect([...failed.matchAll(/<text class="fault-label"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1])).toEqual(['reset', 'hang', '404 no stub', '429 rate-limit']);
    expect(count(failed, '<g class="retry-after">')).toBe(1);
    expect(failed).toContain('<title>Retry-After: 1 on #3 (answered 11 ms): no retry before 1011 ms</title>');
    // the window spans 11 → 1011 ms, and the too-early retry (#4 at 300 ms) is drawn inside it
    const windowRect = /<g class="retry-after">.*?<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(failed);
    const retryTick = /<g class="req ok"><title>#4 POST \/v1\/issues[^<]*<\/title><line x1="([\d.]+)"/.exec(failed);
    const x1 = number(windowRect?.[1]);
    const x2 = x1 + number(windowRect?.[2]);
    const retryX = number(retryTick?.[1]);
    expect(retryX).toBeGreaterThan(x1);
    expect(retryX).toBeLessThan(x2);
    // #3 → #4 (the 429's retry) and #5 → #6 (the reset's retry, which hangs)
    expect([...failed.matchAll(/<path class="chain"[^>]*><title>([^<]*)<\/title>/g)].map((m) => m[1])).toEqual(['attempt 2: #5 → #6', 'attempt 2: #3 → #4']);
    expect(count(passed, 'class="chain"')).toBe(0);
  });

  it('escapes a hostile request path everywhere it appears', () => {
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('alert(1)</script>');
    expect(count(html, '/api/v2/tickets/&lt;script&gt;alert(1)&lt;/script&gt;')).toBe(2); // the mark's title and the request table
  });

  it('writes timelines that are well-formed XML', () => {
    for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g) ?? []) expect(parseXml(svg).name).toBe('svg');
  });

  it('lists the verdicts beside the timeline', () => {
    const [failed] = sections(html) as [string];
    expect([...failed.matchAll(/<li class="(\w+)"><span class="mark">(.)<\/span><code>([^<]+)<\/code>/g)].map((m) => [m[1], m[2], m[3]])).toEqual([
      ['pass', '✓', 'retries-bounded'],
      ['fail', '✗', 'retry-after-honoured'],
      ['fail', '✗', 'timeout-enforced'],
      ['vacuous', '○', 'backoff-jitter'],
    ]);
  });
});

// --- files and the real render ------------------------------------------------------------------

describe('writeReports', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'seam-report-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the four files, deterministically, and report.json reads back as the report', async () => {
    const files = await writeReports(report, dir);
    expect(files).toEqual({ junit: join(dir, 'junit.xml'), markdown: join(dir, 'summary.md'), html: join(dir, 'index.html'), json: join(dir, 'report.json') });
    expect((await readdir(dir)).sort()).toEqual(['index.html', 'junit.xml', 'report.json', 'summary.md']);
    expect(await readFile(files.junit, 'utf8')).toBe(renderJunit(report));
    expect(await readFile(files.markdown, 'utf8')).toBe(renderMarkdown(report));
    expect(await readFile(files.html, 'utf8')).toBe(renderHtml(report));
    const stored = await readFile(files.json, 'utf8');
    expect(JSON.parse(stored)).toEqual(report);
    expect(stored.endsWith('}\n')).toBe(true);
    expect(stored.startsWith('{\n  "durationMs": 2345,\n  "scenarios": [')).toBe(true);
    await writeReports(structuredClone(report), dir);
    expect(await readFile(files.json, 'utf8')).toBe(stored);
  });

  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (chromium === undefined) console.log('report render check skipped: Debian chromium is not installed');
  it.skipIf(chromium === undefined)('renders in headless Chromium', async () => {
    const { html } = await writeReports(report, dir);
    const png = join(dir, 'index.png');
    const run = spawnSync(
      chromium as string,
      ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${join(dir, 'profile')}`, `--screenshot=${png}`, '--window-size=1400,2000', `file://${html}`],
      { encoding: 'utf8', timeout: 90_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const bytes = await readFile(png);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1400, 2000]);
    expect((await stat(png)).size).toBeGreaterThan(50_000);
  });
});
