// Templates: the defaults say what, where, since when, the observed value against its threshold,
// the evidence and the fix; HTML auto-escapes values from servers (a finding title or evidence
// carrying markup) while title and text stay plain; a receiver's template overrides a part, and a
// broken one is refused when ksa.yaml is read.
import { describe, expect, it } from 'vitest';
import { render, templateProblem } from '../../../src/notify/templates.js';
import { sampleNotification } from '../../../src/notify/sample-notification.js';

describe('notification templates', () => {
  const n = sampleNotification({ now: Date.parse('2026-12-04T10:00:00Z'), target: 'cache-1' });

  it('defaults: what, where, since when, observed vs threshold, evidence, the fix', () => {
    const { title, text, html } = n.rendered;
    expect(title).toBe('[TEST] [FIRING] cache-1: Memory usage close to the limit (sample)');
    expect(text).toContain('FIRING critical sample.memory.usage on cache-1');
    expect(text).toContain('since 2026-12-04T09:58:00.000Z');
    expect(text).toContain('observed: 93.4 % (warning 80, critical 90; sample threshold source)');
    expect(text).toContain('used: 934 MB');
    expect(text).toContain('fix: Raise the memory limit');
    expect(html).toContain('<strong>Fix:</strong> Raise the memory limit');
  });

  it('HTML escapes values (a title with markup), text and title do not', () => {
    const { rendered: _r, ...base } = n;
    const evil = { ...base, alerts: [{ ...base.alerts[0]!, title: '<script>alert(1)</script>', evidence: { note: '<b>x</b>' } }] };
    const out = render(evil, undefined);
    expect(out.html).not.toContain('<script>');
    expect(out.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out.html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(out.title).toContain('<script>alert(1)</script>');
    expect(out.text).toContain('note: <b>x</b>');
  });

  it('a receiver template overrides one part; a broken template is a problem named at load time', () => {
    const { rendered: _r, ...base } = n;
    const out = render(base, { title: '{{upper target.name}} {{#each alerts}}{{id}}{{/each}}' });
    expect(out.title).toBe('CACHE-1 sample.memory.usage');
    expect(out.text).toContain('fix: Raise the memory limit');
    expect(templateProblem('{{#each alerts}}{{id}}', false)).toMatch(/Parse error|Expecting/);
    expect(templateProblem('{{target.name}}', true)).toBeNull();
  });
});
