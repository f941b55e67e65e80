// The app's automatic rescans (lib/freshness.ts decides when): on window focus, and when the
// backend's watch of the cache roots reports a change made outside the app.

import { watchStart } from './api';
import { dialogOpen, isBusy, clean } from './clean.svelte';
import { AutoRescan } from './freshness';
import { cacheScan } from './scan.svelte';
import { verify } from './verify.svelte';

const auto = new AutoRescan(
  () => cacheScan.scanState === 'running' || isBusy(clean.flow.state) || dialogOpen(clean.flow) || verify.busy,
  () => cacheScan.lastStart,
  () => cacheScan.rescan(),
);

let watchedKey: string | null = null;

/**
 * Listens for the window coming back (focus, visible again). Returns the function that stops
 * listening.
 */
export function listenForFocus(): () => void {
  const onFocus = () => auto.request('focus');
  const onVisible = () => {
    if (document.visibilityState === 'visible') auto.request('focus');
  };
  window.addEventListener('focus', onFocus);
  document.addEventListener('visibilitychange', onVisible);
  return () => {
    window.removeEventListener('focus', onFocus);
    document.removeEventListener('visibilitychange', onVisible);
    auto.dispose();
  };
}

/**
 * Watches the roots `roots` (the discovered caches' paths): starts the backend's watch, or
 * restarts it when the roots changed (the settings moved a cache). Best effort: without a
 * watch, focus still rescans.
 */
export function watchRoots(roots: string[]): void {
  const key = roots.join('\n');
  if (roots.length === 0 || key === watchedKey) return;
  watchedKey = key;
  watchStart(() => auto.request('watch')).catch(() => {
    if (watchedKey === key) watchedKey = null;
  });
}
