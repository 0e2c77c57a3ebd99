import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PatchMismatch, applyPatch } from '../src/state/patch';
import type { PatchOp } from '../src/state/patch';
import { applyUpdate, applyWelcome, emptyView } from '../src/state/reducer';
import type { UpdateMessage, WelcomeMessage } from '../src/state/reducer';

// Written by the server's own diff (tests/net/section_patch_test.cpp, which fails when this file is stale).
interface Step {
  before: unknown;
  after: unknown;
  ops: PatchOp[];
}
const sequences: { seed: number; steps: Step[] }[] = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'section-patches.json'), 'utf8'),
);

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

describe('section patches', () => {
  it('turn every copy into the next for the server-made random sequences, never changing the copy held', () => {
    let steps = 0;
    for (const { seed, steps: list } of sequences) {
      let held: unknown = structuredClone(list[0]?.before);
      for (const [i, step] of list.entries()) {
        const before = JSON.stringify(held);
        const next = applyPatch(deepFreeze(held), step.ops);
        expect(next, `seed ${seed} step ${i}`).toEqual(step.after);
        expect(JSON.stringify(held)).toBe(before);
        held = next;
        steps++;
      }
    }
    expect(steps).toBeGreaterThan(100);
  });

  it('share what a patch does not touch', () => {
    const doc = { participants: [{ id: 'P1', checked_in: false }, { id: 'P2', checked_in: false }], groups: [{ id: 'g' }] };
    const out = applyPatch(doc, [{ op: 'replace', path: '/participants/1/checked_in', value: true }]);
    expect(out.participants[1].checked_in).toBe(true);
    expect(out.participants[0]).toBe(doc.participants[0]);
    expect(out.groups).toBe(doc.groups);
    expect(doc.participants[1].checked_in).toBe(false);
  });

  it('treat a member named __proto__ as data, as JSON.parse does', () => {
    const doc = JSON.parse('{"queues":{"__proto__":["I1"]},"groups":{}}');
    const out = applyPatch(doc, [
      { op: 'add', path: '/queues/__proto__/-', value: 'I2' },
      { op: 'add', path: '/groups/__proto__', value: { present: 1 } },
    ]);
    expect(out).toEqual(JSON.parse('{"queues":{"__proto__":["I1","I2"]},"groups":{"__proto__":{"present":1}}}'));
    expect(Object.getPrototypeOf(out.groups)).toBe(Object.prototype);
    expect(Object.keys(out.groups)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).present).toBeUndefined();
  });

  it('refuse what does not fit the copy', () => {
    const doc = { items: [1, 2] };
    for (const ops of [
      [{ op: 'replace', path: '/items/2', value: 3 }],
      [{ op: 'remove', path: '/missing' }],
      [{ op: 'replace', path: '/missing', value: 1 }],
      [{ op: 'add', path: '/items/x', value: 1 }],
      [{ op: 'add', path: '/items/05', value: 1 }],
      [{ op: 'move', path: '/items/0', from: '/items/1' }],
      [{ op: 'add', path: 'items' }],
      [{ op: 'add', path: '/a/b', value: 1 }],
    ] as PatchOp[][]) {
      expect(() => applyPatch(doc, ops), JSON.stringify(ops)).toThrow(PatchMismatch);
    }
    expect(applyPatch(doc, [{ op: 'add', path: '/items/-', value: 3 }])).toEqual({ items: [1, 2, 3] });
    expect(applyPatch(doc, [{ op: 'add', path: '/items/2', value: 3 }])).toEqual({ items: [1, 2, 3] });
    expect(applyPatch({ 'a/b': 1, '~x': 2 }, [
      { op: 'replace', path: '/a~1b', value: 5 },
      { op: 'remove', path: '/~0x' },
    ])).toEqual({ 'a/b': 5 });
  });
});

describe('the reducer with patches', () => {
  const participant = { id: 'c', name: '主持人', roles: ['chair' as const] };
  const board = (present: number, flags: boolean[]) => ({
    expected: flags.length,
    present,
    participants: flags.map((checked_in, i) => ({ id: `P${i}`, checked_in })),
  });
  const welcome = (seq: number, view: WelcomeMessage['view']): WelcomeMessage => ({
    type: 'welcome', protocol: 1, hearing: { id: 'h', title: 'T' }, participant, seq, server_time: 0, resumed: false, view,
  });
  const update = (seq: number, extra: Partial<UpdateMessage>): UpdateMessage => ({ type: 'update', seq, server_time: 0, ...extra });
  const checkIn = (base: number, i: number, present: number): UpdateMessage['patches'] => ({
    attendance: {
      base,
      ops: [
        { op: 'replace', path: '/present', value: present },
        { op: 'replace', path: `/participants/${i}/checked_in`, value: true },
      ],
    },
  });

  it('applies a patch whose base is no newer than the copy, in order, and keeps seq', () => {
    // The welcome at 30 holds the board as it was last changed at 20.
    let s = applyWelcome(emptyView(), welcome(30, { attendance: board(0, [false, false]) as never }), 0);
    s = applyUpdate(s, update(31, { patches: checkIn(20, 0, 1) }), 0);
    s = applyUpdate(s, update(32, { patches: checkIn(31, 1, 2) }), 0);
    expect(s.lacking).toBe(false);
    expect(s.seq).toBe(32);
    expect(s.sections.attendance).toEqual(board(2, [true, true]));
  });

  it('marks the view lacking when a patch builds on a change it missed, and ignores updates until a welcome', () => {
    let s = applyWelcome(emptyView(), welcome(30, { attendance: board(0, [false, false]) as never }), 0);
    s = applyUpdate(s, update(33, { patches: checkIn(31, 1, 2) }), 0); // the change at 31 never arrived
    expect(s.lacking).toBe(true);
    expect(s.seq).toBe(30);
    expect(s.sections.attendance).toEqual(board(0, [false, false]));
    s = applyUpdate(s, update(34, { sections: { attendance: board(2, [true, true]) as never } }), 0);
    expect(s.seq).toBe(30);
    s = applyWelcome(s, welcome(34, { attendance: board(2, [true, true]) as never }), 0);
    expect(s.lacking).toBe(false);
    expect(s.sections.attendance).toEqual(board(2, [true, true]));
  });

  it('marks the view lacking for a patch of a section it does not hold or that does not fit', () => {
    const fresh = applyWelcome(emptyView(), welcome(30, {}), 0);
    expect(applyUpdate(fresh, update(31, { patches: checkIn(20, 0, 1) }), 0).lacking).toBe(true);
    const held = applyWelcome(emptyView(), welcome(30, { attendance: board(0, [false]) as never }), 0);
    expect(applyUpdate(held, update(31, { patches: checkIn(30, 5, 1) }), 0).lacking).toBe(true);
  });
});
