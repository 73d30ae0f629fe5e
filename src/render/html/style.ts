// The HTML report's only stylesheet, inlined so the file reads the same offline and has no assets
// to fetch. Status colours: the same four everywhere (headline, target rows, headings, categories).
export const CSS = `
:root { color-scheme: light; --ok: #1a7f37; --warning: #9a6700; --critical: #cf222e; --unknown: #8250df; --muted: #59636e; --line: #d1d9e0; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #1f2328; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 6px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.facts, .meta { color: var(--muted); margin: 4px 0 12px; }
.banner { border-left: 6px solid var(--c, var(--muted)); padding: 12px 16px; border-radius: 6px; background: #f6f8fa; }
.badge { display: inline-block; min-width: 5.5em; padding: 1px 8px; border-radius: 999px; color: #fff; background: var(--c, var(--muted)); font-weight: 600; font-size: 0.85em; text-align: center; vertical-align: 2px; }
.s-healthy { --c: var(--ok); } .s-warning { --c: var(--warning); } .s-critical { --c: var(--critical); } .s-unknown { --c: var(--unknown); }
.state { font-weight: 600; color: var(--c, var(--muted)); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: #eff1f3; padding: 0 4px; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: #f6f8fa; padding: 10px; border-radius: 6px; overflow-x: auto; margin: 6px 0; }
details { margin: 6px 0; }
summary { cursor: pointer; color: var(--muted); }
.sev { font-weight: 600; white-space: nowrap; }
.sev-critical { color: var(--critical); } .sev-warning { color: var(--warning); } .sev-info { color: var(--muted); font-weight: 400; }
.mark { display: block; font-size: 0.85em; font-weight: 400; color: var(--muted); }
.mark-new { color: var(--critical); font-weight: 600; }
.quiet td { color: var(--muted); }
.title { font-weight: 600; display: block; }
.findings td:nth-child(2) > code:first-child { white-space: nowrap; }
.todo p { margin: 0 0 4px; }
.error { color: var(--critical); }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
`;
