// Result-set cells as the snapshot wants them: mysql2 returns numbers, numeric strings (DECIMAL,
// BIGINT) or NULL depending on the column type and server.

/** A number; NULL and '' are 0. */
export const num = (v: unknown): number => (v === null || v === undefined || v === '' ? 0 : Number(v));

/** A string, or null for NULL. */
export const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
