// The organize page's places live in the location hash (#/, #/hearing/<id>, …): a reload or a bookmark opens
// the same place, and the server serves one page for all of them.
import { onBeforeUnmount, ref } from 'vue';

// The path of the hash split into its decoded segments: '#/hearing/h1' → ['hearing', 'h1']; '' or '#/' → [].
export function routeOf(hash: string): string[] {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '');
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

export function hrefOf(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}

export function go(...segments: string[]): void {
  window.location.hash = hrefOf(...segments);
}

// The current route, following the hash while the calling component lives.
export function useRoute() {
  const route = ref(routeOf(window.location.hash));
  const follow = () => (route.value = routeOf(window.location.hash));
  window.addEventListener('hashchange', follow);
  onBeforeUnmount(() => window.removeEventListener('hashchange', follow));
  return route;
}
