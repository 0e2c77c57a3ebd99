// The presets a new hearing starts from (seeds/presets/*.json, each checked by tests/core/test_presets.cpp):
// one per common scoring practice, with a placeholder roster the organizer replaces.
import type { HearingDefinition } from './definition';

export interface LocalText {
  'zh-CN': string;
  en: string;
}

export interface Preset {
  id: string;
  name: LocalText;
  description: LocalText;
  definition: HearingDefinition;
}

interface PresetFile {
  name: LocalText;
  description: LocalText;
  definition: HearingDefinition;
}

const files = import.meta.glob<PresetFile>('../../../seeds/presets/*.json', { eager: true, import: 'default' });

// In a fixed order: the most common practice first.
const ORDER = ['satisfaction', 'points', 'integrity', 'majority', 'weighted'];
const rank = (id: string) => (ORDER.includes(id) ? ORDER.indexOf(id) : ORDER.length);

export const presets: Preset[] = Object.entries(files)
  .map(([path, file]) => ({ id: path.replace(/^.*\/([^/]+)\.json$/, '$1'), ...file }))
  .sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));

// The name or description in the UI language (Chinese unless the UI is English).
export function localText(text: LocalText, locale: string): string {
  return locale.startsWith('en') ? text.en : text['zh-CN'];
}
