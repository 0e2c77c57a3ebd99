// The organize page's places in the location hash.
import { describe, expect, it } from 'vitest';
import { hrefOf, routeOf } from '../src/organize/router';

describe('organize routes', () => {
  it('splits the hash into decoded segments; the list is the empty route', () => {
    expect(routeOf('')).toEqual([]);
    expect(routeOf('#/')).toEqual([]);
    expect(routeOf('#/hearing/h20270223')).toEqual(['hearing', 'h20270223']);
    expect(routeOf('#/unit/%E5%8C%BA%E6%B0%B4%E5%8A%A1%E5%B1%80')).toEqual(['unit', '区水务局']);
    expect(routeOf('#/hearing/%E0%A4%A')).toEqual(['hearing', '%E0%A4%A']); // a broken escape stays as typed
  });

  it('builds links that read back to the same segments', () => {
    expect(hrefOf()).toBe('#/');
    expect(hrefOf('hearing', 'a/b c')).toBe('#/hearing/a%2Fb%20c');
    expect(routeOf(hrefOf('hearing', 'a/b c'))).toEqual(['hearing', 'a/b c']);
  });
});
