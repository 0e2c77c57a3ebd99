// The chair's keyboard shortcuts: one key per frequent action. Keys typed into a field are never shortcuts.
export type ShortcutAction = 'next' | 'stage1' | 'stage2' | 'stage3' | 'stage4' | 'timer' | 'extend' | 'ask' | 'undo' | 'help';

const keys: Record<string, ShortcutAction> = {
  n: 'next',
  '1': 'stage1',
  '2': 'stage2',
  '3': 'stage3',
  '4': 'stage4',
  ' ': 'timer',
  e: 'extend',
  a: 'ask',
  u: 'undo',
  '?': 'help',
};

export function shortcutFor(ev: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>): ShortcutAction | null {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return null;
  const target = ev.target as HTMLElement | null;
  const tag = target?.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target?.isContentEditable) return null;
  return keys[ev.key.toLowerCase()] ?? null;
}
