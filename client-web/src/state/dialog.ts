// One modal dialog at a time: a confirmation before anything irreversible, or a short text input (a reason).
import { reactive } from 'vue';

// What the input takes: one line (a reason), several lines (an answer summary), or a calendar date
// (a commitment's due date, sent as YYYY-MM-DD).
export type DialogField = 'line' | 'lines' | 'date';

export interface DialogRequest {
  message: string;
  input?: string; // the input's label; absent for a plain confirmation
  field?: DialogField;
  confirmLabel?: string;
  danger?: boolean;
}

export const dialog = reactive({
  open: false,
  request: null as DialogRequest | null,
  value: '',
  resolve: null as ((v: string | null) => void) | null,
});

function show(req: DialogRequest): Promise<string | null> {
  dialog.resolve?.(null);
  dialog.request = req;
  dialog.value = '';
  dialog.open = true;
  return new Promise((resolve) => (dialog.resolve = resolve));
}

export async function confirmAction(message: string, confirmLabel?: string): Promise<boolean> {
  return (await show({ message, confirmLabel, danger: true })) !== null;
}

export function askText(
  message: string,
  input: string,
  confirmLabel?: string,
  field: DialogField = 'line',
): Promise<string | null> {
  return show({ message, input, confirmLabel, field });
}

export function settleDialog(ok: boolean): void {
  const r = dialog.resolve;
  dialog.open = false;
  dialog.resolve = null;
  r?.(ok ? dialog.value : null);
}
