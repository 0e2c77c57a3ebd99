// A server error in the reader's language. The server's `message` is English for its logs; what a person reads is
// built here from the error's code, its params (the numbers and the command it names) and the field at fault, in
// the words of the i18n files (`error.*`, `errorWith.*`, `action.*`, `field.*`). docs/protocol.md, Error codes.
import { i18n } from '../i18n';

export interface ServerError {
  code: string;
  field?: string;
  params?: Record<string, string | number>;
}

function t(key: string, values?: Record<string, unknown>): string {
  return values ? i18n.global.t(key, values) : i18n.global.t(key);
}
function has(key: string): boolean {
  return i18n.global.te(key);
}

// The human name of a request type ("call_slot" → 呼叫述职人), or undefined for one the client does not know.
export function actionName(type: string | undefined): string | undefined {
  return type && has(`action.${type}`) ? t(`action.${type}`) : undefined;
}

// What the code says, in the reader's words; an unknown code still reads as a sentence, never as the code.
function reason(err: ServerError): string {
  const p = err.params ?? {};
  if (err.code === 'no_quorum' && ['present', 'expected', 'needed'].every((k) => k in p)) {
    return t('errorWith.no_quorum', p);
  }
  if (err.code === 'too_few_sheets' && ['sheets', 'k'].every((k) => k in p)) return t('errorWith.too_few_sheets', p);
  if (err.code === 'conflict' && 'sheets' in p) return t('errorWith.paper_pending', p);
  if (err.code === 'conflict' && 'group' in p && 'handed_out' in p) return t('errorWith.paper_group_full', p);
  const text = has(`error.${err.code}`) ? t(`error.${err.code}`) : t('error.unknown');
  // The field's first segment (/slot/presenter → slot) names what is wrong, when the client has a word for it.
  const field = err.field?.split('/')[1];
  return field && has(`field.${field}`) ? t('errorWith.field', { reason: text, field: t(`field.${field}`) }) : text;
}

// The error of a request of type `command` (when the caller knows it), as one sentence.
export function errorText(err: ServerError, command?: string): string {
  const refused = actionName(typeof err.params?.command === 'string' ? err.params.command : undefined);
  if (err.code === 'not_allowed' && refused) return t('errorWith.not_allowed', { action: refused });
  const action = actionName(command);
  // A quorum refusal names its numbers and needs no action before it; other errors say what failed.
  if (!action || err.code === 'no_quorum') return reason(err);
  return t('errorWith.failed', { action, reason: reason(err) });
}
