import { digidonar } from './digidonar';
import type { ProviderModule } from './provider-module';
import { simpsy } from './simpsy';

/**
 * The installed providers, in the order they are listed everywhere (the GraphQL Provider enum,
 * the sandbox, start-up notices). Installing one is a folder under providers/ with an index.ts
 * exporting its ProviderModule, one line here, and `npm run schema:print`.
 */
export const INSTALLED_PROVIDERS: readonly ProviderModule[] = Object.freeze([
  digidonar,
  simpsy,
]);

/** The ids of the installed providers. */
export const PROVIDERS = Object.freeze(INSTALLED_PROVIDERS.map((module) => module.id));

/** The installed provider with this id; throws for an id that is not installed. */
export function installedProvider(id: string): ProviderModule {
  const found = INSTALLED_PROVIDERS.find((module) => module.id === id);
  if (!found) throw new Error(`no installed provider ${id}`);
  return found;
}
