// One WebSocket to the server (docs/protocol.md): hello → welcome, requests answered by exactly one ack or
// error, updates in seq order. Reconnects with exponential backoff and jitter and resumes from the last seq.
import { backoffDelay } from '../lib/backoff';
// Refusals that reconnecting cannot fix (a new join link, or a new client, is needed), and the close codes that say
// the same with their error code: generated from protocol/codes.json, the one list (docs/protocol.md, Close codes).
import { CLOSE_CODES, FINAL_CLOSE_CODES, FINAL_ERROR_CODES } from '../protocol/codes';
import type { UpdateMessage, WelcomeMessage } from '../state/reducer';

export const PROTOCOL_VERSION = 1;

export type ConnectionStatus =
  | 'connecting' // opening the socket or waiting for welcome
  | 'online' // welcome received; the view is current
  | 'offline' // lost; a reconnect is scheduled
  | 'rejected'; // the server refused the token: reconnecting will not help

export type { Ack } from '../protocol/messages';
import type { Ack, Hello, Request } from '../protocol/messages';

// The server's `error`: `code` and `params` are what the client shows (lib/errors.ts); `message` is the
// server's English, for the console.
export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly params?: Record<string, string | number>,
  ) {
    super(message);
  }
}

// Close code `elsewhere` (4012): another node of a multi-node deployment holds the hearing (docs/scale-out.md).
// The reason names it, `node=<name>`; the client reconnects at once asking the front for that node.
const ELSEWHERE = CLOSE_CODES.elsewhere;
const NODE_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

// Where the front (HAProxy) should send this client's connection: the hearing it belongs to, once a welcome
// said so, and the node that holds it. Both are routing hints, not secrets; a single server ignores them.
export interface Route {
  hearing?: string;
  node?: string;
}

export function routedUrl(base: string, route: Route): string {
  const params = new URLSearchParams();
  if (route.hearing) params.set('hearing', route.hearing);
  if (route.node) params.set('node', route.node);
  const query = params.toString();
  return query ? `${base}${base.includes('?') ? '&' : '?'}${query}` : base;
}

// The node named by a 4012 close reason, or undefined when the reason is not one.
export function redirectNode(reason: string): string | undefined {
  const m = /^node=(.*)$/.exec(reason);
  return m && NODE_NAME.test(m[1]) ? m[1] : undefined;
}

// Codes the client makes itself, never sent by the server.
export const DISCONNECTED = 'disconnected';
export const TIMED_OUT = 'timed_out';

export interface ConnectionEvents {
  onStatus(status: ConnectionStatus, detail?: string): void;
  onWelcome(msg: WelcomeMessage): void;
  onUpdate(msg: UpdateMessage): void;
  onServerTime?(serverTime: number): void;
}

export interface ConnectionOptions {
  url: string;
  token: string;
  resumeFrom: () => number; // the last seq applied, 0 for none
  requestTimeoutMs?: number;
  pingEveryMs?: number; // a quiet link is checked this often (a dead one then fails the ping's timeout)
  random?: () => number;
  socketFactory?: (url: string) => WebSocket;
}

interface Pending {
  resolve(ack: Ack): void;
  reject(err: RequestError): void;
  timer: ReturnType<typeof setTimeout>;
}

export class Connection {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pending = new Map<string, Pending>();
  private nextId = 1;
  private stopped = false;
  private welcomed = false;
  private route: Route = {};
  private redirected = false; // the last close was a 4012 to another node
  status: ConnectionStatus = 'connecting';

  constructor(
    private readonly opts: ConnectionOptions,
    private readonly events: ConnectionEvents,
  ) {}

  start(): void {
    this.stopped = false;
    if (typeof window !== 'undefined') {
      window.addEventListener('offline', this.onBrowserOffline);
      window.addEventListener('online', this.onBrowserOnline);
    }
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (typeof window !== 'undefined') {
      window.removeEventListener('offline', this.onBrowserOffline);
      window.removeEventListener('online', this.onBrowserOnline);
    }
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stopPings();
    this.socket?.close();
    this.failPending(DISCONNECTED, 'stopped');
  }

  // Connects again at once, e.g. for a whole view when the client's copy missed what an update builds on.
  reopen(): void {
    this.redirected = true; // as after a redirect: no backoff for the first attempt
    this.socket?.close();
  }

  // The URL the next connection opens: the configured one with the routing hints.
  currentUrl(): string {
    return routedUrl(this.opts.url, this.route);
  }

  isOnline(): boolean {
    return this.status === 'online';
  }

  // Sends a command; resolves with its ack, rejects with the server's error or a local one.
  request(command: Request): Promise<Ack> {
    const id = `r${this.nextId++}`;
    if (!this.socket || !this.welcomed || this.socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new RequestError(DISCONNECTED, 'not connected'));
    }
    return new Promise<Ack>((resolve, reject) => {
      // No answer in time means the link is dead even if the socket does not know it yet: start over.
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestError(TIMED_OUT, 'no answer from the server'));
        this.socket?.close();
      }, this.opts.requestTimeoutMs ?? 10_000);
      this.pending.set(id, { resolve, reject, timer });
      this.socket!.send(JSON.stringify({ ...command, id }));
    });
  }

  private readonly onBrowserOffline = () => {
    this.socket?.close();
  };

  private readonly onBrowserOnline = () => {
    if (this.status === 'offline') {
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.attempt = 0;
      this.open();
    }
  };

  private setStatus(status: ConnectionStatus, detail?: string): void {
    this.status = status;
    this.events.onStatus(status, detail);
  }

  private open(): void {
    if (this.stopped) return;
    this.retryTimer = null;
    this.welcomed = false;
    this.setStatus('connecting');
    let socket: WebSocket;
    try {
      const url = this.currentUrl();
      socket = this.opts.socketFactory ? this.opts.socketFactory(url) : new WebSocket(url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      const hello: Hello = { type: 'hello', protocol: PROTOCOL_VERSION, token: this.opts.token, client: 'dais-web' };
      const from = this.opts.resumeFrom();
      if (from > 0) hello.resume_from = from;
      socket.send(JSON.stringify(hello));
    };
    socket.onmessage = (ev) => this.onMessage(socket, ev.data);
    socket.onclose = (ev) => {
      const final = FINAL_CLOSE_CODES.get(ev.code);
      if (final) this.reject(socket, final);
      const node = ev.code === ELSEWHERE ? redirectNode(ev.reason) : undefined;
      if (node && socket === this.socket) {
        this.route = { ...this.route, node };
        this.redirected = true;
      }
      this.onClose(socket);
    };
    socket.onerror = () => socket.close();
  }

  private onMessage(socket: WebSocket, data: unknown): void {
    if (socket !== this.socket || typeof data !== 'string') return;
    let msg: { type?: string; id?: string; [k: string]: unknown };
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    switch (msg.type) {
      case 'welcome': {
        this.welcomed = true;
        this.attempt = 0;
        const hearing = (msg.hearing as { id?: unknown } | undefined)?.id;
        const node = typeof msg.node === 'string' && NODE_NAME.test(msg.node) ? msg.node : undefined;
        this.route = { hearing: typeof hearing === 'string' ? hearing : undefined, node };
        this.events.onWelcome(msg as unknown as WelcomeMessage);
        this.setStatus('online');
        this.startPings();
        break;
      }
      case 'update':
        this.events.onUpdate(msg as unknown as UpdateMessage);
        break;
      case 'ack':
        this.settle(msg.id, (p) => p.resolve(msg as unknown as Ack));
        break;
      case 'error': {
        const err = new RequestError(
          String(msg.code ?? 'error'),
          String(msg.message ?? ''),
          msg.field as string | undefined,
          msg.params as Record<string, string | number> | undefined,
        );
        if (msg.id && this.pending.has(msg.id)) {
          this.settle(msg.id, (p) => p.reject(err));
        } else if (!this.welcomed && FINAL_ERROR_CODES.has(err.code)) {
          // The hello itself was refused for good (unknown or revoked token, wrong protocol): the detail is the
          // code, which the client puts in the reader's language.
          this.reject(socket, err.code);
        }
        break;
      }
      default:
        break;
    }
  }

  private reject(socket: WebSocket, detail: string): void {
    this.stopped = true;
    this.setStatus('rejected', detail);
    socket.close();
  }

  private settle(id: string | undefined, fn: (p: Pending) => void): void {
    if (!id) return;
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    fn(p);
  }

  private failPending(code: string, message: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new RequestError(code, message));
    }
  }

  private startPings(): void {
    this.stopPings();
    this.pingTimer = setInterval(() => {
      this.request({ type: 'ping' }).then(
        (ack) => this.events.onServerTime?.(Number(ack.result?.server_time)),
        () => {}, // a failed ping has already closed the socket
      );
    }, this.opts.pingEveryMs ?? 15_000);
  }

  private stopPings(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private onClose(socket: WebSocket): void {
    if (socket !== this.socket) return;
    this.stopPings();
    this.socket = null;
    this.welcomed = false;
    this.failPending(DISCONNECTED, 'connection lost');
    if (this.status === 'rejected' || this.stopped) return;
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    this.setStatus('offline');
    // Sent to the node that holds the hearing: go there at once. A second redirect before any welcome (the
    // named node is gone and the front sent us back) waits like any failed attempt.
    const redirectNow = this.redirected && this.attempt === 0;
    this.redirected = false;
    const delay = redirectNow ? 0 : backoffDelay(this.attempt++, this.opts.random ?? Math.random);
    if (redirectNow) this.attempt = 1;
    this.retryTimer = setTimeout(() => this.open(), delay);
  }
}

export function serverUrl(loc: Location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/ws`;
}
