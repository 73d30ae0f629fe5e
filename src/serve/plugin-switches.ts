// Plugins disabled through the API (docs/SERVE.md): kept in the state dir (section
// `serve-plugins`, written through the journal), so a restart and a config reload keep them
// off; a disabled plugin's targets leave the schedule at once and come back when it is enabled.
import { z } from 'zod';
import type { WatchSink } from '../watch/watch-sink.js';

const SECTION = 'serve-plugins';
const SwitchesSchema = z.strictObject({ disabled: z.array(z.string()).max(1000) });

export function disabledPlugins(sink: Pick<WatchSink, 'section'>): ReadonlySet<string> {
  const parsed = SwitchesSchema.safeParse(sink.section(SECTION));
  return new Set(parsed.success ? parsed.data.disabled : []);
}

/** Records the switch; true when it changed something. */
export async function setPluginEnabled(sink: Pick<WatchSink, 'section' | 'setSection'>, id: string, enabled: boolean): Promise<boolean> {
  const disabled = new Set(disabledPlugins(sink));
  if (disabled.has(id) === !enabled) return false;
  if (enabled) disabled.delete(id);
  else disabled.add(id);
  await sink.setSection(SECTION, disabled.size === 0 ? null : { disabled: [...disabled].sort() });
  return true;
}
