// The live session of this device: connection, view, clock and the voter's outbox, as Vue reactive state.
// Views read from here and send commands through `send`; nothing else talks to the socket.
import { computed, reactive, shallowRef } from 'vue';
import { Connection, DISCONNECTED, RequestError, TIMED_OUT, serverUrl } from '../net/connection';
import type { Ack, ConnectionStatus } from '../net/connection';
import type { Marks, Role } from '../protocol/view';
import type { Request } from '../protocol/messages';
import { applyUpdate, applyWelcome, emptyView } from './reducer';
import type { ViewState } from './reducer';
import { SheetOutbox } from './sheets';
import { errorText } from '../lib/errors';
import { followHearingLocale } from '../i18n';
import type { StoredSheet } from './sheets';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export const session = reactive({
  status: 'connecting' as ConnectionStatus,
  statusDetail: '',
  everOnline: false,
  view: emptyView() as ViewState,
  clientNow: Date.now(),
  notices: [] as Notice[],
  sheets: {} as Record<string, StoredSheet>,
  publicUrl: '', // the chair's welcome: the address devices use (the server's public_url setting)
  drafts: {} as Record<string, Marks>,
});

const connection = shallowRef<Connection | null>(null);
let outbox: SheetOutbox | null = null;
let noticeId = 1;

export const stale = computed(() => session.status !== 'online');
export const serverNow = computed(() => session.clientNow + session.view.clockOffsetMs);
export const roles = computed<Role[]>(() => session.view.participant?.roles ?? []);

// Errors stay a little longer than confirmations; the same text twice is shown once.

export function notify(text: string, kind: Notice['kind'] = 'error'): void {
  if (session.notices.some((n) => n.text === text)) return;
  const id = noticeId++;
  session.notices.push({ id, kind, text });
  setTimeout(() => dismiss(id), kind === 'error' ? 6000 : 3000);
}
export function dismiss(id: number): void {
  const i = session.notices.findIndex((n) => n.id === id);
  if (i >= 0) session.notices.splice(i, 1);
}

function refreshSheets(): void {
  const out: Record<string, StoredSheet> = {};
  for (const s of outbox?.all() ?? []) out[s.ballot] = s;
  session.sheets = out;
  session.drafts = outbox?.allDrafts() ?? {};
}

// Drafts of ballots that closed are deleted as soon as this device learns of the close. The ballots section
// comes with every turnout step, so the views are refreshed only when something was deleted.
function forgetClosedDrafts(): void {
  const items = session.view.sections.ballots?.items;
  if (!outbox || !items) return;
  if (outbox.forgetClosed(new Set(items.filter((b) => b.status === 'open').map((b) => b.id)))) refreshSheets();
}

export function connect(token: string): void {
  const conn = new Connection(
    // A view that missed a patch's base is not resumed: the whole view comes again.
    { url: serverUrl(window.location), token, resumeFrom: () => (session.view.lacking ? 0 : session.view.seq) },
    {
      onStatus(status, detail) {
        session.status = status;
        // A refusal's detail is an error code (net/connection.ts): said in the reader's language.
        session.statusDetail = detail ? errorText({ code: detail }) : '';
      },
      onWelcome(msg) {
        const first = session.view.participant?.id !== msg.participant.id;
        session.view = applyWelcome(first ? emptyView() : session.view, msg, Date.now());
        followHearingLocale(session.view.sections.hearing?.settings?.locale);
        session.everOnline = true;
        session.publicUrl = msg.public_url ?? '';
        if (first || !outbox) {
          outbox = new SheetOutbox(window.localStorage, `dais.sheets.${msg.participant.id}`);
          refreshSheets();
        }
        if (!msg.resumed && outbox.rolledBackTo(msg.seq)) {
          outbox.startOver();
          refreshSheets();
        }
        outbox.noteSeq(msg.seq);
        forgetClosedDrafts();
        queueMicrotask(flushSheets);
      },
      onUpdate(msg) {
        const wasLacking = session.view.lacking;
        session.view = applyUpdate(session.view, msg, Date.now());
        if (session.view.lacking && !wasLacking) conn.reopen();
        outbox?.noteSeq(msg.seq);
        if (msg.sections?.ballots) forgetClosedDrafts();
      },
      onServerTime(serverTime) {
        if (Number.isFinite(serverTime)) session.view.clockOffsetMs = serverTime - Date.now();
      },
    },
  );
  connection.value = conn;
  conn.start();
  setInterval(() => (session.clientNow = Date.now()), 200);
}

// Sends a command. Errors are shown to the person and rethrown for callers that care.
export async function send(command: Request, quiet = false): Promise<Ack> {
  const conn = connection.value;
  if (!conn) throw new RequestError(DISCONNECTED, 'not connected');
  try {
    return await conn.request(command);
  } catch (e) {
    const err = e as RequestError;
    if (!quiet) notify(errorText(err, command.type));
    throw err;
  }
}

// The voter's sheet: saved first, then sent (now if online, otherwise on reconnect).
export function castSheet(ballot: string, marks: Marks): void {
  if (!outbox) return;
  outbox.cast(ballot, marks);
  refreshSheets();
  void flushSheets();
}

// The marks chosen so far, kept on the device until the submit or the ballot's close.
export function saveDraft(ballot: string, marks: Marks): void {
  if (!outbox) return;
  outbox.setDraft(ballot, marks);
  session.drafts = outbox.allDrafts();
}

export function dismissLostSheet(ballot: string): void {
  outbox?.dismiss(ballot);
  refreshSheets();
}

let flushing = false;
export async function flushSheets(): Promise<void> {
  const conn = connection.value;
  if (!outbox || !conn || !conn.isOnline() || flushing) return;
  flushing = true;
  try {
    for (const sheet of outbox.due()) {
      outbox.markSending(sheet.ballot);
      refreshSheets();
      const { ballot, key } = sheet;
      try {
        await conn.request({
          type: 'cast_sheet',
          ballot,
          marks: sheet.marks ?? {}, // a pending sheet always has its marks
          receipt: sheet.receipt,
          change_key: sheet.changeKey,
          idempotency_key: key,
        });
        outbox.confirm(ballot, key, Date.now());
      } catch (e) {
        const err = e as RequestError;
        if (err.code === DISCONNECTED || err.code === TIMED_OUT) outbox.requeue(ballot, key);
        else outbox.reject(ballot, key, err.code, err.message);
      }
      refreshSheets();
    }
  } finally {
    flushing = false;
  }
  // A cast made while this round was going out.
  if (outbox.due().length > 0 && conn.isOnline()) void flushSheets();
}
