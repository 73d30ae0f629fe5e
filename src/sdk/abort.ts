// A call must end when ctx.signal aborts, whatever its driver does: a driver waiting on a server
// that accepts and never answers would otherwise hold the call until its own timeout.
import { ksaError, type KsaError } from '../core/errors.js';

export function abortedError(): KsaError {
  return ksaError('KSA_ERR_TIMEOUT', 'cancelled: the diagnosis was aborted (deadline or interrupt)');
}

/** `work`, or a KSA_ERR_TIMEOUT rejection as soon as `signal` aborts (the caller closes the sockets). */
export function raceAbort<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined); // its late failure is not unhandled
    return Promise.reject(abortedError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}
