// Text that came from a plugin and is about to reach a terminal (table, nagios, log lines) or XML
// (junit): control characters other than newline and tab become '?', so a plugin cannot inject
// escape sequences (clear the screen, fake a status line) or make the XML invalid. JSON output
// needs nothing: JSON.stringify escapes them.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function printableText(text: string): string {
  return text.replace(CONTROL, '?');
}

/** Every string inside a JSON-shaped value, made printable. */
export function printableValue<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === 'string' ? printableText(v) : v)) as T;
}
