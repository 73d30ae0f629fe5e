// Jolokia's read URL: /jolokia/read/<mbean>/<attribute>, with Jolokia's escaping of path parts
// (`!` -> `!!`, `/` -> `!/`) and then URL encoding, as its protocol reference describes
// https://jolokia.org/reference/html/manual/jolokia_protocol.html (GET requests, escaping).
export function jolokiaReadPath(base: string, mbean: string, attribute: string | undefined): string {
  const part = (s: string) => encodeURIComponent(s.replace(/!/g, '!!').replace(/\//g, '!/'));
  return `${base.replace(/\/+$/, '')}/read/${part(mbean)}${attribute ? `/${part(attribute)}` : ''}`;
}

/** Jolokia answers 200 and puts its own status in the body: `{ status: 404, error: "..." }`. */
export function jolokiaStatusOf(document: unknown): { status: number; error: string | null } | null {
  if (typeof document !== 'object' || document === null) return null;
  const d = document as Record<string, unknown>;
  if (typeof d.status !== 'number') return null;
  return { status: d.status, error: typeof d.error === 'string' ? d.error.slice(0, 300) : null };
}
