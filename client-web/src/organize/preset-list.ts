// The presets a new hearing may start from (presets.ts, from seeds/presets/*.json), read through a glob so
// that this page also builds where no presets are shipped.
import type { HearingDefinition } from './definition';

export interface Preset {
  id: string;
  name: Record<string, string>;
  description: Record<string, string>;
  definition: HearingDefinition;
}

const found = import.meta.glob<{ presets: Preset[] }>('./presets.ts', { eager: true });

export function availablePresets(): Preset[] {
  return Object.values(found)[0]?.presets ?? [];
}

// A preset's text in the page's language, else in Chinese.
export function localized(text: Record<string, string>, locale: string): string {
  return text[locale] ?? text['zh-CN'] ?? Object.values(text)[0] ?? '';
}
