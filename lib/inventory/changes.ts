/**
 * "What this registry lists has changed": said here, heard by the caches above (lib/browse), so
 * lib/inventory does not import them. Listeners are kept by name on globalThis, like the caches
 * themselves, so a module loaded twice (dev reloads, separate server bundles) replaces its listener
 * instead of adding a second one.
 */
type CatalogListener = (registry: string) => void;

const holder = globalThis as unknown as { __dmCatalogListeners?: Map<string, CatalogListener> };
const listeners = (holder.__dmCatalogListeners ??= new Map());

export function onCatalogChanged(name: string, listener: CatalogListener): void {
  listeners.set(name, listener);
}

export function catalogChanged(registry: string): void {
  for (const listener of listeners.values()) listener(registry);
}
