import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Connection, DISCONNECTED, RequestError } from '../src/net/connection';
import type { ConnectionStatus } from '../src/net/connection';
import { FakeSocket } from './fake-socket';

function welcome(seq: number, resumed = false) {
  return {
    type: 'welcome',
    protocol: 1,
    hearing: { id: 'h', title: 'T' },
    participant: { id: 'v-1', name: 'V', roles: ['voter'] },
    seq,
    server_time: 0,
    resumed,
    view: {},
  };
}

describe('connection', () => {
  let statuses: ConnectionStatus[];
  let seq: number;
  let conn: Connection;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', FakeSocket);
    FakeSocket.instances = [];
    statuses = [];
    seq = 0;
    conn = new Connection(
      {
        url: 'ws://x/ws',
        token: 'tok-123456789',
        resumeFrom: () => seq,
        random: () => 0.5,
        socketFactory: (u) => new FakeSocket(u) as unknown as WebSocket,
      },
      {
        onStatus: (s) => statuses.push(s),
        onWelcome: (m) => (seq = m.seq),
        onUpdate: (m) => (seq = m.seq),
      },
    );
  });
  afterEach(() => {
    conn.stop();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('says hello with the token and goes online on welcome', () => {
    conn.start();
    const s = FakeSocket.last();
    s.accept();
    expect(s.sent[0]).toMatchObject({ type: 'hello', protocol: 1, token: 'tok-123456789' });
    expect(s.sent[0]).not.toHaveProperty('resume_from');
    s.deliver(welcome(7));
    expect(statuses.at(-1)).toBe('online');
  });

  it('matches acks and errors to requests by id', async () => {
    conn.start();
    const s = FakeSocket.last();
    s.accept();
    s.deliver(welcome(1));
    const a = conn.request({ type: 'approve_inquiry', inquiry: 'I1' });
    const b = conn.request({ type: 'approve_inquiry', inquiry: 'I2' });
    const [ra, rb] = s.sent.slice(1) as Array<{ id: string }>;
    expect(ra.id).not.toBe(rb.id);
    s.deliver({ type: 'error', id: rb.id, code: 'wrong_stage', message: 'no', field: '/inquiry' });
    s.deliver({ type: 'ack', id: ra.id, seq: 2, result: {} });
    await expect(a).resolves.toMatchObject({ seq: 2 });
    await expect(b).rejects.toMatchObject({ code: 'wrong_stage', field: '/inquiry' });
  });

  it('fails requests in flight when the link drops, then reconnects with backoff and resumes', async () => {
    conn.start();
    const s = FakeSocket.last();
    s.accept();
    s.deliver(welcome(5));
    s.deliver({ type: 'update', seq: 9, server_time: 0 });
    const pending = conn.request({ type: 'check_in' });
    s.close(1006);
    await expect(pending).rejects.toBeInstanceOf(RequestError);
    await expect(pending).rejects.toMatchObject({ code: DISCONNECTED });
    expect(statuses.at(-1)).toBe('offline');
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(374); // first step: 250–500 ms, 375 with random() = 0.5
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(2);
    const s2 = FakeSocket.last();
    s2.accept();
    expect(s2.sent[0]).toMatchObject({ type: 'hello', resume_from: 9 });
  });

  it('refuses to send while not connected', async () => {
    conn.start();
    await expect(conn.request({ type: 'check_in' })).rejects.toMatchObject({ code: DISCONNECTED });
  });

  it('gives up on a refused token instead of retrying', () => {
    conn.start();
    const s = FakeSocket.last();
    s.accept();
    s.deliver({ type: 'error', code: 'unauthorized', message: 'unknown token' });
    s.close(4001, 'unauthorized');
    expect(statuses.at(-1)).toBe('rejected');
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('keeps retrying after a server shutdown close', () => {
    conn.start();
    FakeSocket.last().accept();
    FakeSocket.last().close(1001, 'server shutting down');
    vi.advanceTimersByTime(500);
    expect(FakeSocket.instances).toHaveLength(2);
  });

  it('treats a request without an answer as a dead link', async () => {
    conn.start();
    const s = FakeSocket.last();
    s.accept();
    s.deliver(welcome(1));
    const r = conn.request({ type: 'check_in' });
    vi.advanceTimersByTime(10_000);
    await expect(r).rejects.toMatchObject({ code: 'timed_out' });
    expect(s.readyState).toBe(FakeSocket.CLOSED);
    expect(statuses.at(-1)).toBe('offline');
  });

  describe('on several nodes (docs/scale-out.md)', () => {
    function welcomeFrom(node: string | undefined, seq = 5) {
      return node === undefined ? welcome(seq) : { ...welcome(seq), node };
    }

    it('opens the first connection on the plain URL and later ones with the hearing and the node', () => {
      conn.start();
      expect(FakeSocket.last().url).toBe('ws://x/ws');
      FakeSocket.last().accept();
      FakeSocket.last().deliver(welcomeFrom('n1'));
      FakeSocket.last().close(1006);
      vi.advanceTimersByTime(375);
      expect(FakeSocket.instances).toHaveLength(2);
      expect(FakeSocket.last().url).toBe('ws://x/ws?hearing=h&node=n1');
    });

    it('leaves the node out when a single server sends none', () => {
      conn.start();
      FakeSocket.last().accept();
      FakeSocket.last().deliver(welcomeFrom(undefined));
      FakeSocket.last().close(1006);
      vi.advanceTimersByTime(375);
      expect(FakeSocket.last().url).toBe('ws://x/ws?hearing=h');
    });

    it('goes at once to the node a 4012 names, resuming, and backs off on a second redirect in a row', () => {
      conn.start();
      const s = FakeSocket.last();
      s.accept();
      s.deliver(welcomeFrom('n1', 9));
      s.close(4012, 'node=n2');
      expect(statuses.at(-1)).toBe('offline');
      vi.advanceTimersByTime(0);
      expect(FakeSocket.instances).toHaveLength(2);
      const s2 = FakeSocket.last();
      expect(s2.url).toBe('ws://x/ws?hearing=h&node=n2');
      s2.accept();
      expect(s2.sent[0]).toMatchObject({ type: 'hello', resume_from: 9 });
      // Sent on again before any welcome: the named node is gone; the next try waits its backoff step.
      s2.close(4012, 'node=n3');
      vi.advanceTimersByTime(749);
      expect(FakeSocket.instances).toHaveLength(2);
      vi.advanceTimersByTime(1);
      expect(FakeSocket.instances).toHaveLength(3);
      expect(FakeSocket.last().url).toBe('ws://x/ws?hearing=h&node=n3');
    });

    it('ignores a 4012 whose reason is not a node name', () => {
      conn.start();
      const s = FakeSocket.last();
      s.accept();
      s.deliver(welcomeFrom('n1'));
      s.close(4012, 'node=../etc');
      vi.advanceTimersByTime(0);
      expect(FakeSocket.instances).toHaveLength(1);
      vi.advanceTimersByTime(375);
      expect(FakeSocket.last().url).toBe('ws://x/ws?hearing=h&node=n1');
    });

    it('a welcome from the new node replaces the route', () => {
      conn.start();
      FakeSocket.last().accept();
      FakeSocket.last().deliver(welcomeFrom('n1'));
      FakeSocket.last().close(4012, 'node=n2');
      vi.advanceTimersByTime(0);
      FakeSocket.last().accept();
      FakeSocket.last().deliver(welcomeFrom('n2'));
      FakeSocket.last().close(1006);
      vi.advanceTimersByTime(375);
      expect(FakeSocket.last().url).toBe('ws://x/ws?hearing=h&node=n2');
    });
  });
});

describe('connection pings', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.instances = [];
  });
  afterEach(() => vi.useRealTimers());

  it('pings a quiet link, takes the server time, and gives up on a link that does not answer', () => {
    const times: number[] = [];
    const statuses: string[] = [];
    const conn = new Connection(
      {
        url: 'ws://x/ws',
        token: 'tok-123456789',
        resumeFrom: () => 0,
        random: () => 0.5,
        pingEveryMs: 1_000,
        requestTimeoutMs: 500,
        socketFactory: (u) => new FakeSocket(u) as unknown as WebSocket,
      },
      { onStatus: (s) => statuses.push(s), onWelcome: () => {}, onUpdate: () => {}, onServerTime: (t) => times.push(t) },
    );
    vi.stubGlobal('WebSocket', FakeSocket);
    conn.start();
    const s = FakeSocket.last();
    s.accept();
    s.deliver(welcome(1));
    vi.advanceTimersByTime(1_000);
    const ping = s.lastSent('ping')!;
    expect(ping).toBeDefined();
    s.deliver({ type: 'ack', id: ping.id, seq: 1, result: { server_time: 42 } });
    return Promise.resolve().then(() => {
      expect(times).toEqual([42]);
      vi.advanceTimersByTime(1_000); // the next ping gets no answer …
      vi.advanceTimersByTime(500); // … and the link is declared dead
      expect(s.readyState).toBe(FakeSocket.CLOSED);
      expect(statuses.at(-1)).toBe('offline');
      conn.stop();
      vi.unstubAllGlobals();
    });
  });
});

describe('connection and the browser network state', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', FakeSocket);
    FakeSocket.instances = [];
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('drops the socket when the device goes offline and reconnects at once when it is back', () => {
    const statuses: string[] = [];
    const conn = new Connection(
      { url: 'ws://x/ws', token: 'tok-123456789', resumeFrom: () => 3, random: () => 1,
        socketFactory: (u) => new FakeSocket(u) as unknown as WebSocket },
      { onStatus: (s) => statuses.push(s), onWelcome: () => {}, onUpdate: () => {} },
    );
    conn.start();
    FakeSocket.last().accept();
    FakeSocket.last().deliver(welcome(3));
    window.dispatchEvent(new Event('offline'));
    expect(FakeSocket.last().readyState).toBe(FakeSocket.CLOSED);
    expect(statuses.at(-1)).toBe('offline');
    // Several failed attempts later the backoff is long …
    for (let i = 0; i < 4; i++) {
      vi.advanceTimersByTime(20_000);
      FakeSocket.last().close(1006);
    }
    const before = FakeSocket.instances.length;
    // … but the network coming back does not wait for it.
    window.dispatchEvent(new Event('online'));
    expect(FakeSocket.instances.length).toBe(before + 1);
    FakeSocket.last().accept();
    expect(FakeSocket.last().sent[0]).toMatchObject({ type: 'hello', resume_from: 3 });
    conn.stop();
  });
});
