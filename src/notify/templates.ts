// Notification text from templates (docs/NOTIFY.md "Templates"): Handlebars, a well-kept and
// logic-less language: `{{field}}`, `{{#each alerts}}...{{/each}}`, `{{#if x}}...{{/if}}`, plus the
// helpers below. In `html`, `{{x}}` is HTML-escaped (auto-escaping); title and text are plain.
// The defaults say what, where, since when, the evidence and the fix.
import Handlebars from 'handlebars';

import type { Notification } from './notification.js';
import type { Templates } from './notify-config.js';

/** The notification as templates see it: every field of it, plus a few conveniences. */
export type TemplateView = Omit<Notification, 'rendered'> & {
  firing: Notification['alerts'];
  resolved: Notification['alerts'];
  link?: string;
};

export const DEFAULT_TEMPLATES: Required<Templates> = {
  title: '{{#if test}}[TEST] {{/if}}[{{upper status}}{{#if repeat}}, still{{/if}}] {{target.name}}: {{#each alerts}}{{#unless @first}}; {{/unless}}{{title}}{{/each}}',
  text: `{{#if test}}This is a test notification sent by \`ksa notify test\`.\n\n{{/if}}{{#each alerts}}{{upper status}} {{severity}} {{id}}{{#if node}} @{{node}}{{/if}} on {{@root.target.name}}
  {{title}}
  since {{since}}{{#if reason}} ({{reason}}){{/if}}
{{#if observed}}  observed: {{observed.value}}{{#if observed.unit}} {{observed.unit}}{{/if}}{{#if threshold}} (warning {{threshold.warning}}, critical {{threshold.critical}}; {{threshold.source}}){{/if}}
{{/if}}{{#each evidence}}  {{@key}}: {{json this}}
{{/each}}{{#if suggestion}}  fix: {{suggestion}}
{{/if}}
{{/each}}{{#if link}}{{link}}
{{/if}}`,
  html: `{{#if test}}<p><em>This is a test notification sent by <code>ksa notify test</code>.</em></p>{{/if}}
<h2>[{{upper status}}] {{target.name}}</h2>
{{#each alerts}}<div style="border-left:4px solid {{colour}};padding-left:8px;margin-bottom:12px">
<p><strong>{{upper status}} {{severity}}: {{title}}</strong><br><code>{{id}}</code>{{#if node}} @ {{node}}{{/if}} on <strong>{{@root.target.name}}</strong>, since {{since}}</p>
{{#if reason}}<p>{{reason}}</p>{{/if}}
{{#if observed}}<p>Observed: <strong>{{observed.value}}{{#if observed.unit}} {{observed.unit}}{{/if}}</strong>{{#if threshold}} (warning {{threshold.warning}}, critical {{threshold.critical}}; {{threshold.source}}){{/if}}</p>{{/if}}
<table>{{#each evidence}}<tr><td>{{@key}}</td><td><code>{{json this}}</code></td></tr>{{/each}}</table>
{{#if suggestion}}<p><strong>Fix:</strong> {{suggestion}}</p>{{/if}}
</div>
{{/each}}{{#if link}}<p><a href="{{link}}">{{link}}</a></p>{{/if}}`,
};

const COLOUR: Record<string, string> = { critical: '#d32f2f', warning: '#f9a825', info: '#1976d2', resolved: '#2e7d32' };

function environment(): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper('upper', (s: unknown) => String(s ?? '').toUpperCase());
  hb.registerHelper('json', (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v)));
  hb.registerHelper('colour', function colour(this: { status?: string; severity?: string }) {
    return COLOUR[this.status === 'resolved' ? 'resolved' : this.severity ?? 'info'] ?? COLOUR.info;
  });
  return hb;
}

const env = environment();
type Compiled = (view: TemplateView) => string;
const cache = new Map<string, Compiled>();

function compile(source: string, html: boolean): Compiled {
  const key = `${html ? 'h' : 't'}\0${source}`;
  let fn = cache.get(key);
  if (!fn) {
    const t = env.compile<TemplateView>(source, { noEscape: !html });
    fn = (view) => t(view, { allowProtoPropertiesByDefault: false });
    cache.set(key, fn);
  }
  return fn;
}

export function templateView(n: Omit<Notification, 'rendered'>, link?: string): TemplateView {
  return { ...n, firing: n.alerts.filter((a) => a.status === 'firing'), resolved: n.alerts.filter((a) => a.status === 'resolved'), ...(link ? { link } : {}) };
}

/** Renders title, text and html with the receiver's templates over the defaults. Throws on a template error. */
export function render(n: Omit<Notification, 'rendered'>, templates: Templates | undefined, link?: string): Notification['rendered'] {
  const view = templateView(n, link);
  const t = { ...DEFAULT_TEMPLATES, ...templates };
  return {
    title: compile(t.title, false)(view).replace(/\s+/g, ' ').trim().slice(0, 1000),
    text: compile(t.text, false)(view),
    html: compile(t.html, true)(view),
  };
}

/** A template's syntax problem (checked when ksa.yaml is read), or null. */
export function templateProblem(source: string, html: boolean): string | null {
  try {
    Handlebars.precompile(source, { noEscape: !html });
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0] ?? 'invalid template';
  }
}
