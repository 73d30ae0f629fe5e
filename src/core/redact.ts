// Secrets never leave ksa: endpoints show `user:***@host`, and any text that may echo a secret
// (driver errors, logs) is scrubbed of the known secret values.

/** `scheme://user:pw@host:port/0` -> `scheme://user:***@host:port/0`; `scheme://:pw@h` -> `scheme://:***@h`. */
export function redactEndpoint(endpoint: string): string {
  return endpoint.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i, (_m, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    const user = colon === -1 ? userinfo : userinfo.slice(0, colon);
    return `${scheme}${user}:***@`;
  });
}

/** Replaces every occurrence of each secret (and its URL-encoded form) with ***. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 3) continue;
    // includes first: most texts hold no secret, and a split/join copies the whole text.
    for (const form of new Set([secret, encodeURIComponent(secret)])) if (out.includes(form)) out = out.split(form).join('***');
  }
  return out;
}

/** The JSON text of a value with every secret (as it appears inside a JSON string) redacted. */
export function redactedJson(value: unknown, secrets: readonly string[]): string {
  const text = JSON.stringify(value);
  return secrets.every((s) => s.length < 3) ? text : redactSecrets(text, secrets.map((s) => JSON.stringify(s).slice(1, -1)));
}

/** Deep-redacts a JSON-serializable value by round-tripping it through redactSecrets. */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
  if (secrets.every((s) => s.length < 3)) return value;
  return JSON.parse(redactedJson(value, secrets)) as T;
}
