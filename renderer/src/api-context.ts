import { createContext, useContext } from 'react';
import type { BurrowApi } from '../../shared/api.js';

export const ApiContext = createContext<BurrowApi | null>(null);

export function useApi(): BurrowApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiContext');
  return api;
}

/** What a person reads of a failed request: one line, without the "Error:" prefix. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
