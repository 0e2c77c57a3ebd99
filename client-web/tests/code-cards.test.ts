import { describe, expect, it } from 'vitest';
import { codeCardStack, groupCards, randomBelow, rosterWithCards, shuffled } from '../src/organize/code-cards';
import type { JoinCard } from '../src/organize/api';
import type { HearingDefinition, Role } from '../src/organize/definition';

const groups = [
  { id: 'jw', name: '纪委委员' },
  { id: 'qz', name: '群众代表' },
];

function card(id: string, group: string): JoinCard {
  return { participant: id, name: '测评码', groups: [group], roles: ['voter'], link: `/j/${id}`, card: true };
}

describe('code cards', () => {
  it('draws uniform numbers below n from the cryptographic source', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 400; i++) {
      const x = randomBelow(3);
      expect(x >= 0 && x < 3 && Number.isInteger(x)).toBe(true);
      seen.add(x);
    }
    expect([...seen].sort()).toEqual([0, 1, 2]);
    expect(randomBelow(1)).toBe(0);
    expect(() => randomBelow(0)).toThrow(RangeError);
  });

  it('shuffles into a permutation, leaving the input alone', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const out = shuffled(items);
    expect([...out].sort((a, b) => a - b)).toEqual(items);
    expect(items[0]).toBe(0);
    // Fisher–Yates with a source that always answers 0 rotates the list by one step.
    expect(shuffled([1, 2, 3, 4], () => 0)).toEqual([2, 3, 4, 1]);
  });

  it('prints the stack grouped by voter group, without person cards or empty groups', () => {
    const person: JoinCard = { participant: 'p1', name: '张三', groups: ['jw'], roles: ['questioner'], link: '/j/p1' };
    const answer = [card('a', 'qz'), person, card('b', 'jw'), card('c', 'qz'), card('d', 'jw')];
    const stack = codeCardStack(answer, [...groups, { id: 'none', name: '空' }]);
    expect(stack.map((s) => s.group.id)).toEqual(['jw', 'qz']);
    expect(stack[0].cards.map((c) => c.participant).sort()).toEqual(['b', 'd']);
    expect(stack[1].cards.map((c) => c.participant).sort()).toEqual(['a', 'c']);
    expect(stack.flatMap((s) => s.cards).some((c) => c.name === '张三')).toBe(false);
  });

  it('reads a roster under code cards: voters attend without the role, the cards stay', () => {
    const read = [
      { id: 'p1', name: '甲', groups: ['jw'], roles: ['questioner', 'voter'] as Role[] },
      { id: 'p2', name: '乙', roles: ['chair'] as Role[] },
    ];
    const existing = [{ id: 'x1', name: '测评码', groups: ['jw'], roles: ['voter'] as Role[], card: true }, read[1]];
    expect(rosterWithCards(read, existing)).toEqual([
      { id: 'p1', name: '甲', groups: ['jw'], roles: ['questioner'] },
      { id: 'p2', name: '乙', roles: ['chair'] },
      existing[0],
    ]);
    expect(read[0].roles).toEqual(['questioner', 'voter']);
  });

  it('counts each group by its persons, and its cards', () => {
    const def = {
      id: 'h',
      title: 't',
      date: '2027-01-01',
      voter_groups: groups,
      participants: [
        { id: 'p1', name: '甲', groups: ['jw'], roles: ['voter'] },
        { id: 'p2', name: '乙', groups: ['jw'], roles: ['questioner', 'voter'] },
        { id: 'p3', name: '丙', groups: ['qz'], roles: ['voter'] },
        { id: 'p4', name: '丁', roles: ['chair'] },
      ],
      agenda: [],
      ballot_templates: [],
      rules: [],
    } as HearingDefinition;
    expect(groupCards(def).map((g) => [g.group.id, g.persons, g.cards])).toEqual([
      ['jw', 2, 0],
      ['qz', 1, 0],
    ]);
    // With the mode on, persons hold no voter role and still count; the cards are counted apart.
    const on: HearingDefinition = {
      ...def,
      settings: { code_cards: true },
      participants: [
        { id: 'p1', name: '甲', groups: ['jw'], roles: [] },
        { id: 'p2', name: '乙', groups: ['jw'], roles: ['questioner'] },
        { id: 'p3', name: '丙', groups: ['qz'], roles: [] },
        { id: 'x1', name: '测评码', groups: ['jw'], roles: ['voter'], card: true },
      ],
    };
    expect(groupCards(on).map((g) => [g.group.id, g.persons, g.cards])).toEqual([
      ['jw', 2, 1],
      ['qz', 1, 0],
    ]);
  });
});
