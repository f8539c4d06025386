import { describe, expect, it } from 'vitest';
import { durationText, escapeMarkdown, escapeXml, escapeXmlText, outcomeText, planText, tail } from './text.js';

describe('escapeXml', () => {
  it('escapes markup, quotes and line breaks for attributes', () => {
    expect(escapeXml(`<a href="x">'&'</a>\tline\r\nnext`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;&#9;line&#13;&#10;next');
  });

  it('shows characters XML cannot carry instead of writing them', () => {
    expect(escapeXml('\u0000\u001b[31m\u000b\ufffe')).toBe('\\u0000\\u001b[31m\\u000b\\ufffe');
    expect(escapeXml('a\ud800b \udc00')).toBe('a\\ud800b \\udc00');
    expect(escapeXml('😀 é')).toBe('😀 é');
  });
});

describe('escapeXmlText', () => {
  it('keeps newlines and tabs literal for element content', () => {
    expect(escapeXmlText('a < b\n\t"c" & \u001b')).toBe('a &lt; b\n\t"c" &amp; \\u001b');
  });
});

describe('escapeMarkdown', () => {
  it('keeps a cell on one line with no pipes, markup or HTML', () => {
    expect(escapeMarkdown('a | b\nc *d* _e_ `f` [g](h) <b>&')).toBe('a \\| b c \\*d\\* \\_e\\_ \\`f\\` \\[g\\](h) &lt;b&gt;&amp;');
  });
});

describe('phrases', () => {
  it('formats durations', () => {
    expect([durationText(0), durationText(999.4), durationText(1000), durationText(12_345)]).toEqual(['0 ms', '999 ms', '1.00 s', '12.35 s']);
  });

  it('describes plans and selectors', () => {
    expect(
      planText({
        seed: 1,
        rules: [
          { target: 'a', fault: 'reset', when: { first: 2 } },
          { target: 'b', fault: 'hang', when: { every: 3 } },
          { target: 'c', fault: 'slow', when: { probability: 0.25 } },
          { target: 'd', fault: 'conflict', when: { always: true } },
        ],
      }),
    ).toBe('reset on a (first 2); hang on b (every 3); slow on c (p=0.25); conflict on d (always)');
  });

  it('describes connector outcomes', () => {
    const base = { startedAt: 10, endedAt: 1510, stdout: '', stderr: '' };
    expect(outcomeText({ ...base, exitCode: 1, timedOut: false })).toBe('exit 1 after 1.50 s');
    expect(outcomeText({ ...base, exitCode: null, timedOut: true })).toBe('timed out after 1.50 s');
    expect(outcomeText({ ...base, exitCode: null, timedOut: false, error: 'boom' })).toBe('threw after 1.50 s: boom');
  });

  it('keeps the end of long output', () => {
    expect(tail('abcdef', 6)).toBe('abcdef');
    expect(tail('abcdef', 2)).toBe('… (4 earlier characters cut)\nef');
  });
});
