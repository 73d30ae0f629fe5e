// A target endpoint as the base URL of an HTTP(S) service: a URL as given (its credentials left
// out: they travel in headers), or `host:port` over https when the target enables TLS, else http.
import { ksaError } from '../core/errors.js';
import { parseEndpoint } from '../core/endpoint.js';

export function httpBaseUrl(raw: string, tlsEnabled: boolean, defaultPort: number | undefined): URL {
  if (/^https?:\/\//i.test(raw)) {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url;
  }
  if (raw.includes('://')) throw ksaError('KSA_ERR_BAD_ENDPOINT', `endpoint ${JSON.stringify(raw.slice(0, 80))} is not an http(s) URL`, { fix: 'write http://host:port[/path], https://host:port[/path] or host:port' });
  const e = parseEndpoint(raw, defaultPort);
  return new URL(`${tlsEnabled ? 'https' : 'http'}://${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}/`);
}
