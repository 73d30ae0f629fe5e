// Sizes in ksa.yaml: `512KiB`, `10MiB`, `1GiB` (or plain bytes, `4096B`), parsed to a number of bytes.
import { z } from 'zod';

const UNIT_BYTES: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

export function byteSize(min: number, max: number) {
  return z.string()
    .regex(/^\d+(?:\.\d+)?(B|KiB|MiB|GiB)$/, 'a size such as 512KiB, 10MiB or 1GiB')
    .transform((text) => Math.floor(parseFloat(text) * UNIT_BYTES[/[A-Za-z]+$/.exec(text)![0]]!))
    .refine((bytes) => bytes >= min && bytes <= max, `between ${min / 1024} KiB and ${max / 1024 ** 3} GiB`);
}
